// The API process.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/client.ts';
import { connectKube } from '../activities/cluster/kube.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { buildApp } from './app.ts';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: start the API through the stack (npm run stack), which serves the embedded database');
const database = openDatabase(config.databaseUrl, { maxConnections: 10 });
const connection = await Connection.connect({ address: config.temporalAddress });
const app = await buildApp({
  config,
  db: database.db,
  pingDb: database.ping,
  temporal: new Client({ connection, namespace: config.temporalNamespace }),
  kube: connectKube(config.kubeconfig),
  library: loadLibrary(config.scenariosDir),
});
await app.listen({ host: config.apiHost, port: config.apiPort });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await connection.close();
    await database.close();
    process.exit(0);
  });
}
