// The real services the integration and e2e projects run against: Temporal dev server, the simulated cluster,
// the embedded database (PGlite over the wire) and a real PostgreSQL server. They start together; each takes
// its ports from freePort (never handed out twice in this process) or binds port 0, and a start that lost a
// port to another process is retried on new ports. If anything fails, whatever did start is stopped.
import { join } from 'node:path';
import { migrateDatabase } from '../../db/client.ts';
import { startEmbeddedDatabase } from '../../infra/db/pglite-server.ts';
import { freePort, retryOnPortConflict } from '../../infra/lib/ports.ts';
import { startSimCluster } from '../../infra/sim-cluster/start.ts';
import { startTemporalDevServer } from '../../infra/temporal/dev-server.ts';
import { startPostgresServer } from './postgres-server.ts';

export interface TestServices {
  temporalAddress: string;
  kubeconfig: string;
  databases: { name: 'pglite' | 'postgres'; url: string }[];
  /** Stops every service, last started first. */
  stop(): Promise<void>;
}

export interface TestServicesOptions {
  /** Starts per service before a port conflict fails the run. */
  attempts?: number;
  /** Fixed ports instead of free ones (a test of the failure path pins a busy one). */
  etcdPort?: number;
}

export async function startTestServices(dir: string, { attempts = 4, etcdPort }: TestServicesOptions = {}): Promise<TestServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne().catch(() => {});
  };
  const started = <T extends { stop(): Promise<void> }>(service: T): T => {
    stops.push(() => service.stop());
    return service;
  };
  const [temporal, cluster, pglite, postgres] = await Promise.allSettled([
    retryOnPortConflict(
      async () =>
        started(
          await startTemporalDevServer({
            port: await freePort(),
            uiPort: await freePort(),
            logFile: join(dir, 'temporal.log'),
          }),
        ),
      attempts,
    ),
    retryOnPortConflict(
      async (attempt) =>
        started(
          await startSimCluster({
            dataDir: join(dir, attempt === 1 ? 'sim' : `sim-${attempt}`),
            apiPort: await freePort(),
            etcdPort: etcdPort ?? (await freePort()),
            etcdPeerPort: await freePort(),
          }),
        ),
      attempts,
    ),
    startEmbeddedDatabase({ port: 0 }).then(started),
    process.env.TEST_DATABASE_URL
      ? Promise.resolve({ url: process.env.TEST_DATABASE_URL })
      : retryOnPortConflict(async () => started(await startPostgresServer(await freePort())), attempts),
  ]);
  // Every start has settled here, so nothing is still coming up when the started ones are stopped.
  const failures = [temporal, cluster, pglite, postgres].flatMap((result) =>
    result.status === 'rejected' ? [result.reason as Error] : [],
  );
  if (temporal.status === 'rejected' || cluster.status === 'rejected' || pglite.status === 'rejected' || postgres.status === 'rejected') {
    await stop();
    throw new Error(`test services did not start: ${failures.map((error) => error.message).join('; ')}`, { cause: failures[0] });
  }
  try {
    await migrateDatabase(pglite.value.url);
    await migrateDatabase(postgres.value.url);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    temporalAddress: temporal.value.address,
    kubeconfig: cluster.value.kubeconfigPath,
    databases: [
      { name: 'pglite', url: pglite.value.url },
      { name: 'postgres', url: postgres.value.url },
    ],
    stop,
  };
}
