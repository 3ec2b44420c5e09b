// A worker and an API wired to the real services of the global setup, one per database under test.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { connectKube, type Kube } from '../../cluster/kube.ts';
import { createClusterDriver } from '../../cluster/drivers.ts';
import { startGateway, type Gateway } from '../../gateway/server.ts';
import { buildApp } from '../../api/app.ts';
import { ScenarioIdentities } from '../../api/scenario-ids.ts';
import { loadConfig, type Config } from '../../config/config.ts';
import { temporalConnectionOptions } from '../../config/temporal-connection.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { loadLibrary, type Library } from '../../scenarios/lib/load.ts';
import { createSessionWorker } from '../../worker/create-worker.ts';
import { harnessPublications } from './harness-publications.ts';

export interface Harness {
  app: FastifyInstance;
  /** The configuration the app and the in-process worker were built with. */
  config: Config;
  kube: Kube;
  library: Library;
  /** What the app calls each scenario; Challenge ids come from here (drawn with this harness's own secret). */
  identities: ScenarioIdentities;
  /** The id a Challenge client creates a session of this library scenario with (in an event, or the open catalog). */
  challengeId(scenarioId: string, eventId?: string): string;
  database: DatabaseHandle;
  temporal: Client;
  worker: Worker | undefined;
  /** The recording kube gateway (its URL is what participants' kubeconfigs name). */
  gateway: Gateway;
  gatewayUrl: string;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export interface HarnessOptions {
  temporalAddress: string;
  kubeconfig: string;
  databaseUrl: string;
  env?: Record<string, string>;
  /** Task queue of an out-of-process worker to use instead of starting one in this process. */
  externalWorkerTaskQueue?: string;
  /** Where the gateway's log lines go (JSON lines, level debug), to check what it logs. */
  gatewayLog?: Writable;
  /** The library the in-process worker loads, when it is not the API's (a worker of another version). */
  workerScenariosDir?: string;
  /** Publish to webhook subscribers (published reports, remediations turning verified) on this task queue; the
   * caller runs its publication worker. Unset: nothing is published (other files' subscribers share the database). */
  publicationTaskQueue?: string;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
    runtimeInstalled = true;
  }
  const taskQueue = opts.externalWorkerTaskQueue ?? `test-${randomUUID()}`;
  const config = loadConfig({
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: opts.databaseUrl,
    FL_KUBECONFIG: opts.kubeconfig,
    FL_HOLD_SECONDS: '2',
    FL_SLA_POLL_SECONDS: '1',
    LOG_LEVEL: 'warn',
    FL_OPERATOR_TOKEN: 'operator-test-token',
    ...opts.env,
  });
  const database = openDatabase(opts.databaseUrl, { maxConnections: 5 });
  const kube = connectKube(opts.kubeconfig);
  const library = loadLibrary(config.scenariosDir);
  // A fresh secret per harness, as a new deployment would draw: tests learn Challenge ids from `identities`.
  const identities = new ScenarioIdentities(library, randomBytes(32));
  // FL_SANDBOX_PLACEMENT=real in `env` sends every sandbox's pods to the real node, as the stack does when it runs one.
  const driver = createClusterDriver(config.clusterDriver, kube, {
    clusters: config.clusters,
    kubeconfig: opts.kubeconfig,
    placement: config.sandboxPlacement,
  });
  const inProcess = opts.externalWorkerTaskQueue
    ? undefined
    : await createSessionWorker({
        temporal: temporalConnectionOptions(config),
        namespace: config.temporalNamespace,
        taskQueue,
        deps: {
          db: database.db,
          kube,
          library: opts.workerScenariosDir ? loadLibrary(opts.workerScenariosDir) : library,
          slaPollSeconds: config.slaPollSeconds,
          sumo: config.sla.sumo,
          driver,
          ...(opts.publicationTaskQueue ? { publications: { webOrigin: config.webOrigin, taskQueue: opts.publicationTaskQueue } } : {}),
        },
      });
  const running = inProcess?.worker.run();
  const connection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const gatewayDir = mkdtempSync(join(tmpdir(), 'fl-gateway-'));
  const gatewayLogger = opts.gatewayLog ? pino({ level: 'debug' }, opts.gatewayLog) : pino({ level: 'silent' });
  const gateway = await startGateway({
    db: database.db,
    logger: gatewayLogger,
    dataDir: gatewayDir,
    host: '127.0.0.1',
    port: 0,
    driver,
  });
  const app = await buildApp(
    {
      config,
      db: database.db,
      pingDb: database.ping,
      temporal,
      pingCluster: () => kube.core.readNamespace({ name: 'default' }),
      library,
      identities,
      gateway,
      ...harnessPublications(opts.publicationTaskQueue, { db: database.db, temporal, webOrigin: config.webOrigin, library }),
    },
    false,
  );
  return {
    app,
    config,
    kube,
    library,
    identities,
    database,
    challengeId: (scenarioId, eventId) => identities.challenge(library.scenarios.get(scenarioId)!, eventId).id,
    temporal,
    worker: inProcess?.worker,
    gateway,
    gatewayUrl: gateway.publicUrl,
    async close() {
      await app.close();
      await gateway.close();
      rmSync(gatewayDir, { recursive: true, force: true });
      inProcess?.worker.shutdown();
      await running;
      await inProcess?.connection.close();
      await connection.close();
      await database.close();
    },
  };
}
