// The worker process: runs session workflows and their activities until SIGINT/SIGTERM.
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/client.ts';
import { connectCluster } from '../cluster/connect-cluster.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { createSessionWorker } from './create-worker.ts';
import { createPublicationWorker } from './publication-worker.ts';
import { SlaEvaluator } from '../activities/sla/evaluator.ts';
import { createSlaProvider } from '../activities/sla/providers.ts';
import { ensureSweeperSchedule } from './sweeper-schedule.ts';
import { Client, Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../config/temporal-connection.ts';
import { startWorkerMetricsServer } from './metrics-server.ts';

const config = loadConfig();
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
if (!config.databaseUrl)
  throw new Error('DATABASE_URL is not set: start the worker through the stack (npm run stack), which serves the embedded database');
const database = openDatabase(config.databaseUrl, { maxConnections: 10 });
// Throws at start, naming what is missing, when the configured driver cannot run here (kind without Docker).
const { driver } = connectCluster(config);
// One batched SLA evaluation per poll interval serves every session watched by this worker.
const slaProvider = createSlaProvider(config.sla, driver.kubeFor, (error) => {
  Runtime.instance().logger.warn('SLA provider could not answer', {
    provider: config.sla.provider,
    error: error instanceof Error ? error.message : String(error),
  });
});
const slaEvaluator = new SlaEvaluator(slaProvider, config.slaPollSeconds * 1000);
const { worker, connection, bundle } = await createSessionWorker({
  workflowBundle: config.workflowBundle,
  temporal: temporalConnectionOptions(config),
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  deps: {
    db: database.db,
    library: loadLibrary(config.scenariosDir),
    slaPollSeconds: config.slaPollSeconds,
    slaEvaluator,
    sumo: config.sla.sumo,
    driver,
    publications: { webOrigin: config.webOrigin, taskQueue: config.publicationTaskQueue },
  },
});
Runtime.instance().logger.info(
  bundle.use === 'prebuilt' ? `workflows from the prebuilt bundle ${bundle.codePath}` : `workflows bundled at start: ${bundle.reason}`,
);
const client = new Client({
  connection: await Connection.connect(temporalConnectionOptions(config)),
  namespace: config.temporalNamespace,
});
await ensureSweeperSchedule(client, config.taskQueue, config.sweeperEvery);
const metrics =
  config.workerMetricsPort === undefined
    ? undefined
    : await startWorkerMetricsServer(config.workerMetricsHost, config.workerMetricsPort, () => worker.getState() === 'RUNNING');
// Webhook deliveries of published reports: their own queue and bundle, stopped with the session worker.
const publications = await createPublicationWorker({
  temporal: temporalConnectionOptions(config),
  namespace: config.temporalNamespace,
  taskQueue: config.publicationTaskQueue,
  db: database.db,
  workflowBundle: config.workflowBundle,
});
Runtime.instance().logger.info(
  publications.bundle.use === 'prebuilt'
    ? `publication workflows from the prebuilt bundle ${publications.bundle.codePath}`
    : `publication workflows bundled at start: ${publications.bundle.reason}`,
);
try {
  await Promise.all([worker.run().finally(() => publications.worker.shutdown()), publications.worker.run()]);
} finally {
  await metrics?.close();
  slaEvaluator.close();
  await connection.close();
  await publications.connection.close();
  await client.connection.close();
  await database.close();
}
