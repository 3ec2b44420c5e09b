// Opens the database (a real server or the embedded PGlite socket: both speak the Postgres protocol)
// and applies migrations.
import { resolve } from 'node:path';
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const MIGRATIONS = resolve(import.meta.dirname, 'migrations');

export function openDatabase(url: string, { maxConnections = 5 }: { maxConnections?: number } = {}): DatabaseHandle {
  // Named prepared statements: after the first use a query is one round trip (Bind/Execute/Sync) instead of
  // describe-then-run, and the embedded server never has to keep its one session for this client between
  // the two (see infra/db/pglite-wire-server.ts). drizzle asks for unnamed statements unless a query is
  // `.prepare(name)`d, so its calls are made named here. Connections are renewed every half hour, which
  // frees their statements (the embedded server deallocates a leaving client's).
  const sql = postgres(url, { max: maxConnections, onnotice: () => {}, prepare: true, max_lifetime: 30 * 60, connect_timeout: 10 });
  const unsafe = sql.unsafe.bind(sql);
  sql.unsafe = ((query, parameters, options) => unsafe(query, parameters, { ...options, prepare: true })) as typeof sql.unsafe;
  const db = drizzle(sql, { schema });
  return {
    db,
    async ping() {
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, prepare: false });
  try {
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
