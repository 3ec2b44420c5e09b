// The API process: the HTTP API and the recording kube gateway.
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { loadConfig } from '../config/config.ts';
import { temporalConnectionOptions } from '../config/temporal-connection.ts';
import { openDatabase } from '../db/client.ts';
import { connectCluster } from '../cluster/connect-cluster.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { syncReportLibrary } from './reports/library-sync.ts';
import { createPublications } from './reports/publications.ts';
import { reverifyStale } from './reports/verification-start.ts';
import { buildApp, REDACTED_PATHS } from './app.ts';
import { challengeSecret, ScenarioIdentities } from './scenario-ids.ts';
import { startGateway } from '../gateway/server.ts';

const config = loadConfig();
if (!config.databaseUrl)
  throw new Error('DATABASE_URL is not set: start the API through the stack (npm run stack), which serves the embedded database');
const database = openDatabase(config.databaseUrl, { maxConnections: 10 });
const connection = await Connection.connect(temporalConnectionOptions(config));
// Throws at start, naming what is missing, when the configured driver cannot run here (kind without Docker).
const cluster = connectCluster(config);
// The gateway logs on its own logger: request headers (tokens) are never part of what it logs.
const logger = pino({ level: config.logLevel, redact: REDACTED_PATHS });
const gateway = await startGateway({
  db: database.db,
  logger: logger.child({ component: 'kube-gateway' }),
  dataDir: config.dataDir,
  host: config.gatewayHost,
  port: config.gatewayPort,
  publicUrl: config.gatewayPublicUrl,
  tlsDir: config.gatewayTlsDir,
  driver: cluster.driver,
});
const library = loadLibrary(config.scenariosDir);
// Similarity reads the scenarios and tag rules from the database; the seed reports give it something to find.
await syncReportLibrary(database.db, library);
const temporal = new Client({ connection, namespace: config.temporalNamespace });
const publications = createPublications({
  db: database.db,
  temporal,
  taskQueue: config.publicationTaskQueue,
  webOrigin: config.webOrigin,
  library,
});
// The outbox: deliveries committed with a publication whose workflow never started (a crash in between) start now.
const resumed = await publications.dispatch();
if (resumed > 0) logger.info({ resumed }, 'webhook deliveries resumed from the outbox');
const app = await buildApp({
  config,
  db: database.db,
  pingDb: database.ping,
  temporal,
  pingCluster: cluster.ping,
  library,
  identities: new ScenarioIdentities(library, challengeSecret(config)),
  gateway,
  publications,
});
await app.listen({ host: config.apiHost, port: config.apiPort });
// Verdicts given against another version of their scenario, its system or their commands are run again.
await reverifyStale({ db: database.db, config, library, temporal }).then(
  (started) => started.length > 0 && logger.info({ started }, 'stale remediation verdicts are being verified again'),
  (error: unknown) => logger.error({ err: error }, 'could not re-verify stale remediation verdicts; the next start tries again'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await gateway.close();
    await app.close();
    await connection.close();
    await database.close();
    process.exit(0);
  });
}
