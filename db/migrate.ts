// `node db/migrate.ts`: applies the database migrations to DATABASE_URL and exits (the Helm chart's migration Job
// runs it before an install or upgrade; the stack and the tests migrate in process). Idempotent: applied
// migrations are recorded in drizzle's own table and skipped.
import { loadConfig } from '../config/config.ts';
import { migrateDatabase } from './client.ts';

if (import.meta.main) {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: nothing to migrate');
  const started = performance.now();
  await migrateDatabase(databaseUrl);
  process.stdout.write(`database migrated in ${Math.round(performance.now() - started)} ms\n`);
}
