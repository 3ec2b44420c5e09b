// The worker process: runs session workflows and their activities until SIGINT/SIGTERM.
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/client.ts';
import { connectKube } from '../activities/cluster/kube.ts';
import { createClusterDriver } from '../activities/cluster/drivers.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { createSessionWorker } from './create-worker.ts';
import { ensureSweeperSchedule } from './sweeper-schedule.ts';
import { Client, Connection } from '@temporalio/client';

const config = loadConfig();
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: start the worker through the stack (npm run stack), which serves the embedded database');
const database = openDatabase(config.databaseUrl, { maxConnections: 10 });
const kube = connectKube(config.kubeconfig);
const { worker, connection } = await createSessionWorker({
  temporalAddress: config.temporalAddress,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  deps: { db: database.db, kube, library: loadLibrary(config.scenariosDir), slaPollSeconds: config.slaPollSeconds, driver: createClusterDriver(config.clusterDriver, kube) },
});
const client = new Client({ connection: await Connection.connect({ address: config.temporalAddress }), namespace: config.temporalNamespace });
await ensureSweeperSchedule(client, config.taskQueue);
try {
  await worker.run();
} finally {
  await connection.close();
  await client.connection.close();
  await database.close();
}
