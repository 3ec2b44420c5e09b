// The embedded database: PGlite (Postgres compiled to WASM, persisted in a folder) served over the
// Postgres wire protocol so the API, the worker and the tests connect to it like to a real server.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { servePglite } from './pglite-wire-server.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Port 0 lets the system choose a free port; the URL names the one bound. */
export async function startEmbeddedDatabase({ dataDir, port }: { dataDir?: string; port: number }): Promise<EmbeddedDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // pg_trgm is a contrib extension: PGlite ships it separately and loads it only when named here (the migration
  // then creates it, as on a real server).
  const db = await PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm } });
  const server = await servePglite(db, { port }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `postgres://postgres@127.0.0.1:${boundPort}/postgres?sslmode=disable`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
