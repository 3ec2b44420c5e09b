// The embedded database in a child process (infra/db/main.ts): for callers whose own event loop is busy
// (the benchmarks' load generators), so neither slows the other.
import { join } from 'node:path';
import { startProcess, waitUntil } from '../lib/processes.ts';
import { isPortOpen } from '../lib/ports.ts';
import { ROOT } from '../lib/tools.ts';
import type { EmbeddedDatabase } from './pglite-server.ts';

export async function startEmbeddedDatabaseProcess({
  port,
  dataDir,
  logFile,
}: {
  port: number;
  dataDir?: string;
  logFile: string;
}): Promise<EmbeddedDatabase> {
  const args = [join(ROOT, 'infra/db/main.ts'), '--port', String(port), ...(dataDir ? ['--data-dir', dataDir] : [])];
  const database = startProcess('embedded-database', process.execPath, args, { logFile, cwd: ROOT });
  try {
    await waitUntil('embedded database', () => isPortOpen(port), { process: database, timeoutMs: 60_000, intervalMs: 100 });
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`, stop: () => database.stop() };
}
