// PostgreSQL through the `postgres` package: a small pool, the program's tables created on first use.
// Failures surface per request with PostgreSQL's own message (`password authentication failed for user "booking"`).
import postgres from 'postgres';
import { errorText, log } from './log.ts';
import { checkAtStart } from './startup.ts';

export type Sql = postgres.Sql;

export interface DatabaseAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface Database {
  /** The pool, once `schema` has run on it (retried by the next caller after a failure). */
  sql(): Promise<Sql>;
  /** At start: wait for the database, end the program on wrong credentials (SQLSTATE 28P01/28000). */
  connectAtStart(): Promise<void>;
}

export function database(address: DatabaseAddress, schema: string): Database {
  const pool = postgres({ ...address, max: 4, connect_timeout: 3, idle_timeout: 60, onnotice: () => {} });
  const where = `PostgreSQL ${address.host}:${address.port}/${address.database}`;
  let ready: Promise<Sql> | undefined;
  const sql = () =>
    // One implicit transaction; the lock keeps two replicas from creating the same table at once.
    (ready ??= pool
      .unsafe(`select pg_advisory_xact_lock(7417); ${schema}`)
      .then(() => {
        log('info', `connected to ${where} as ${address.user}`);
        return pool;
      })
      .catch((error: unknown) => {
        ready = undefined;
        log('warn', `${where} unavailable`, { error: errorText(error) });
        throw error;
      }));
  const isAuthFailure = (error: unknown) => ['28P01', '28000'].includes((error as { code?: string }).code ?? '');
  return { sql, connectAtStart: () => checkAtStart(`connecting to ${where}`, async () => void (await sql()), isAuthFailure) };
}
