// PostgreSQL through the `postgres` package: a small pool from DATABASE_* variables, and the program's tables
// created on first use. Connection failures surface per request with PostgreSQL's own message.
import postgres from 'postgres';
import { errorText, log } from './log.ts';

export type Sql = postgres.Sql;

export interface DatabaseAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** A pool that (re)creates `schema` before the first query that finds it missing. */
export function database(address: DatabaseAddress, schema: string): () => Promise<Sql> {
  const sql = postgres({ ...address, max: 4, connect_timeout: 3, idle_timeout: 60, onnotice: () => {} });
  let ready: Promise<Sql> | undefined;
  return () => {
    // One implicit transaction; the lock keeps two replicas from creating the same table at once.
    ready ??= sql
      .unsafe(`select pg_advisory_xact_lock(7417); ${schema}`)
      .then(() => {
        log('info', `connected to PostgreSQL ${address.host}:${address.port}/${address.database} as ${address.user}`);
        return sql;
      })
      .catch((error: unknown) => {
        ready = undefined; // the next request tries again
        log('warn', `PostgreSQL ${address.host}:${address.port} unavailable`, { error: errorText(error) });
        throw error;
      });
    return ready;
  };
}
