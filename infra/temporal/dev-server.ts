// The real Temporal CLI dev server (with its Web UI), persisted in a db file so sessions survive restarts.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startProcess, waitUntil, type ManagedProcess } from '../lib/processes.ts';
import { requireTool } from '../lib/tools.ts';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';

export interface TemporalDevServerOptions {
  port: number;
  uiPort: number;
  /** Omit for an in-memory server (tests). */
  dbFile?: string;
  logFile: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  // Loopback only, the Web UI too: it has no login, shows every session's real scenario and fault arguments,
  // and sends signals. Operators on another machine use an SSH tunnel (README, "Operator-only services").
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--ui-ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--log-level',
    'warn',
    '--log-format',
    'pretty',
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const server = startProcess('temporal', requireTool('temporal'), args, { logFile: options.logFile });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntil('Temporal dev server', () => canConnect(address), { process: server, timeoutMs: 60_000, intervalMs: 300 });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { address, uiUrl: `http://127.0.0.1:${options.uiPort}`, process: server, stop: () => server.stop() };
}

export async function canConnect(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

export function defaultTemporalPaths(dataDir: string) {
  return { dbFile: join(dataDir, 'temporal', 'temporal.db'), logFile: join(dataDir, 'logs', 'temporal.log') };
}
