// The website under test: `vite dev --config web/vite.config.ts` as a child process on a free port, calling the given API.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil } from '../../infra/lib/processes.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface WebServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts the dev server on `port` (or a free one) and waits until it has compiled and answers GET / below 500. */
export async function startWebServer(opts: { apiUrl: string; logFile: string; port?: number }): Promise<WebServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  rmSync(opts.logFile, { force: true });
  const web = startProcess('web', process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'dev', '--config', 'web/vite.config.ts'], {
    cwd: ROOT,
    logFile: opts.logFile,
    env: { ...process.env, WEB_PORT: String(port), API_URL: opts.apiUrl, PUBLIC_API_URL: opts.apiUrl, NODE_ENV: 'development' },
  });
  try {
    await waitUntil('website', async () => (await fetch(url, { signal: AbortSignal.timeout(60_000) })).status < 500, {
      process: web, timeoutMs: 120_000, intervalMs: 500,
    });
  } catch (error) {
    await web.stop();
    throw error;
  }
  return { url, port, logFile: opts.logFile, stop: () => web.stop() };
}
