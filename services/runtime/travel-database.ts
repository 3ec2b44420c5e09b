// travel-logic's PostgreSQL (`database`): booking and price-indexer connect to DATABASE_HOST (`host` or
// `host:port`, port 5432 by default) with the booking-db Secret's credentials (DATABASE_USER, DATABASE_PASSWORD).
import { requiredEnv } from './env.ts';
import { database, type Database } from './postgres.ts';

export function travelDatabase(schema: string): Database {
  const [host = '', port = '5432'] = requiredEnv('DATABASE_HOST').split(':');
  return database(
    {
      host,
      port: Number(port),
      user: requiredEnv('DATABASE_USER'),
      password: requiredEnv('DATABASE_PASSWORD'),
      database: process.env.DATABASE_NAME ?? 'travel',
    },
    schema,
  );
}
