// Starts the real services once for the integration and e2e projects: Temporal dev server, the simulated
// cluster, the embedded database (PGlite over the wire) and a real PostgreSQL server. A service that
// cannot start fails the run: these tests never skip silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../db/client.ts';
import { startEmbeddedDatabase } from '../../infra/db/pglite-server.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { startSimCluster } from '../../infra/sim-cluster/start.ts';
import { startTemporalDevServer } from '../../infra/temporal/dev-server.ts';
import { startPostgresServer } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kubeconfig: string;
    databases: { name: 'pglite' | 'postgres'; url: string }[];
    servicesDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'fl-test-'));
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [temporal, cluster, pglite, postgres] = await Promise.all([
      (async () => startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), logFile: join(dir, 'temporal.log') }))(),
      (async () => startSimCluster({ dataDir: join(dir, 'sim'), apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() }))(),
      (async () => startEmbeddedDatabase({ port: await freePort() }))(),
      process.env.TEST_DATABASE_URL ? Promise.resolve({ url: process.env.TEST_DATABASE_URL, stop: async () => {} }) : (async () => startPostgresServer(await freePort()))(),
    ]);
    stops.push(temporal.stop, cluster.stop, pglite.stop, postgres.stop);
    await migrateDatabase(pglite.url);
    await migrateDatabase(postgres.url);
    project.provide('temporalAddress', temporal.address);
    project.provide('kubeconfig', cluster.kubeconfigPath);
    project.provide('databases', [{ name: 'pglite', url: pglite.url }, { name: 'postgres', url: postgres.url }]);
    project.provide('servicesDir', dir);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
