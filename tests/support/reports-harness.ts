// The API for the reports tests: the real database and Temporal, the library, the seed reports loaded as at
// API start. No sandbox cluster or gateway: reports never touch one.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.ts';
import type { ApiDeps } from '../../api/deps.ts';
import { syncReportLibrary } from '../../api/reports/library-sync.ts';
import { ScenarioIdentities } from '../../api/scenario-ids.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { harnessPublications } from './harness-publications.ts';

export const REVIEWER = { authorization: 'Bearer reviewer-test-token' };
export const OPERATOR = { authorization: 'Bearer operator-test-token' };

export interface ReportsHarness {
  app: FastifyInstance;
  database: DatabaseHandle;
  temporal: Client;
  deps: ApiDeps;
  close(): Promise<void>;
}

export async function startReportsHarness(opts: {
  databaseUrl: string;
  temporalAddress: string;
  env?: Record<string, string>;
  /** Publishes to webhook subscribers through this task queue (a publication worker must serve it). */
  publicationTaskQueue?: string;
}): Promise<ReportsHarness> {
  const config = loadConfig({
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.temporalAddress,
    LOG_LEVEL: 'warn',
    FL_OPERATOR_TOKEN: 'operator-test-token',
    FL_REVIEWER_TOKEN: 'reviewer-test-token',
    ...opts.env,
  });
  const database = openDatabase(opts.databaseUrl, { maxConnections: 5 });
  const library = loadLibrary(config.scenariosDir);
  await syncReportLibrary(database.db, library);
  const connection = await Connection.connect({ address: opts.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const deps: ApiDeps = {
    config,
    db: database.db,
    pingDb: database.ping,
    temporal,
    pingCluster: async () => undefined,
    library,
    identities: new ScenarioIdentities(library, randomBytes(32)),
    gateway: { publicUrl: 'https://127.0.0.1:1', caPem: '' },
    ...harnessPublications(opts.publicationTaskQueue, { db: database.db, temporal, webOrigin: config.webOrigin, library }),
  };
  const app = await buildApp(deps, false);
  return {
    app,
    database,
    temporal,
    deps,
    async close() {
      await app.close();
      await connection.close();
      await database.close();
    },
  };
}

/** A report with every required field and nothing else, as a submission. */
export function minimalReport(title: string, components: string[] = ['Deployment']) {
  return {
    title,
    whatFailed: `${title}: requests failed.`,
    impact: 'Errors for users.',
    detection: 'An alert.',
    trigger: 'A change.',
    timeline: 'Minutes.',
    environment: { kubernetesVersion: '1.30', provider: 'kind', components },
  };
}
