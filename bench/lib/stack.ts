// The services a benchmark runs against. The infrastructure (Temporal dev server, simulated cluster,
// PGlite in its own process) starts once per run; each benchmark then gets
// its own API process and worker process (`node api/main.ts`, `node worker/main.ts`), so their CPU and
// memory belong to that benchmark alone.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { migrateDatabase } from '../../db/client.ts';
import { startEmbeddedDatabaseProcess } from '../../infra/db/process.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil, type ManagedProcess } from '../../infra/lib/processes.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import { startSimCluster } from '../../infra/sim-cluster/start.ts';
import { startTemporalDevServer } from '../../infra/temporal/dev-server.ts';

export interface Infra {
  temporalAddress: string;
  kubeconfig: string;
  databaseUrl: string;
  logDir: string;
  stop(): Promise<void>;
}

export async function startInfra({ dir, nodeCount }: { dir: string; nodeCount: number }): Promise<Infra> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const each of stops.reverse()) await each().catch(() => {});
  };
  try {
    const [temporal, cluster, database] = await Promise.all([
      (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), logFile: join(dir, 'temporal.log') }))().then(
        (started) => {
          stops.push(started.stop);
          return started;
        },
      ),
      (async () =>
        startSimCluster({
          dataDir: join(dir, 'sim'),
          apiPort: await freePort(),
          etcdPort: await freePort(),
          etcdPeerPort: await freePort(),
          nodeCount,
        }))().then((started) => {
        stops.push(started.stop);
        return started;
      }),
      // Its own process: PGlite's one thread must not share an event loop with the load generators here.
      (async () => startEmbeddedDatabaseProcess({ port: await freePort(), logFile: join(dir, 'pglite.log') }))().then((started) => {
        stops.push(started.stop);
        return started;
      }),
    ]);
    await migrateDatabase(database.url);
    return { temporalAddress: temporal.address, kubeconfig: cluster.kubeconfigPath, databaseUrl: database.url, logDir: dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Services {
  apiUrl: string;
  api: ManagedProcess;
  /** Every API process (apiReplicas of them; the first is `api`), and their URLs. */
  apis: ManagedProcess[];
  apiUrls: string[];
  worker: ManagedProcess;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * One API process (or `apiReplicas`, each with its own port and gateway port, as the Helm chart's replicas) and one
 * worker process on a fresh task queue, ready to serve sessions (or, with waitForWorker false, as soon as the API
 * answers, as a stack that has just started).
 */
export async function startServices(
  infra: Infra,
  name: string,
  env: Record<string, string> = {},
  { waitForWorker = true, apiReplicas = 1 } = {},
): Promise<Services> {
  const taskQueue = `bench-${name}-${randomUUID().slice(0, 8)}`;
  const apiPort = await freePort();
  const processEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: infra.databaseUrl,
    FL_KUBECONFIG: infra.kubeconfig,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    FL_HOLD_SECONDS: '2',
    FL_OPERATOR_TOKEN: `bench-${randomUUID()}`,
    FL_GATEWAY_PORT: String(await freePort()),
    ...env,
  };
  const start = (role: string, more: Record<string, string> = {}) =>
    startProcess(`${name}-${role}`, process.execPath, [`${role.replace(/-\d+$/, '')}/main.ts`], {
      cwd: ROOT,
      env: { ...processEnv, ...more },
      logFile: join(infra.logDir, `${name}-${role}.log`),
    });
  const worker = start('worker');
  const api = start('api');
  const apis = [api];
  const apiUrls = [`http://127.0.0.1:${apiPort}`];
  const stop = async () => {
    await Promise.all([...apis.map((each) => each.stop()), worker.stop()]);
  };
  const healthy = (url: string, process: ManagedProcess) =>
    waitUntil('API', async () => (await fetch(`${url}/api/health`)).ok, { process, timeoutMs: 60_000, intervalMs: 250 });
  try {
    const apiUrl = apiUrls[0] as string;
    await healthy(apiUrl, api);
    // The others once the first has made the gateway's CA in the shared data dir, so they load the same one.
    for (let replica = 2; replica <= apiReplicas; replica += 1) {
      const port = await freePort();
      const more = start(`api-${replica}`, { API_PORT: String(port), FL_GATEWAY_PORT: String(await freePort()) });
      apis.push(more);
      apiUrls.push(`http://127.0.0.1:${port}`);
      await healthy(apiUrls.at(-1) as string, more);
    }
    if (waitForWorker)
      await waitUntil('worker polling its task queue', () => hasPollers(infra.temporalAddress, taskQueue), {
        process: worker,
        timeoutMs: 60_000,
        intervalMs: 500,
      });
    return { apiUrl, api, apis, apiUrls, worker, taskQueue, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function hasPollers(address: string, taskQueue: string): Promise<boolean> {
  const connection = await Connection.connect({ address });
  try {
    // taskQueueType 1 = TASK_QUEUE_TYPE_WORKFLOW: the worker polls workflow tasks as soon as it runs.
    const response = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: 1,
    });
    return (response.pollers?.length ?? 0) > 0;
  } finally {
    await connection.close();
  }
}
