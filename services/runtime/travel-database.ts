// travel-logic's PostgreSQL (`database`): booking and price-indexer connect with DATABASE_HOST and the
// booking-db Secret's credentials (DATABASE_USER, DATABASE_PASSWORD).
import { numberEnv, requiredEnv } from './env.ts';
import { database, type Database } from './postgres.ts';

export function travelDatabase(schema: string): Database {
  return database(
    {
      host: requiredEnv('DATABASE_HOST'),
      port: numberEnv('DATABASE_PORT', 5432),
      user: requiredEnv('DATABASE_USER'),
      password: requiredEnv('DATABASE_PASSWORD'),
      database: process.env.DATABASE_NAME ?? 'travel',
    },
    schema,
  );
}
