// The website under test: the production build (`npm run build`, skipped when web/build matches the sources) served
// by `node web/production-server.ts` as a child process on a free port, calling the given API.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil } from '../../infra/lib/processes.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface WebServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Builds the site if its sources changed (its own process: Vite must not share vitest's module graph). */
async function buildSite(logFile: string): Promise<void> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['infra/build/main.ts'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    // test-results/ is not in a fresh clone: without it the log write failed and read as a failed build.
    mkdirSync(dirname(logFile), { recursive: true });
    writeFileSync(logFile, `${stdout}${stderr}`);
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`the website does not build: ${failed.stderr || failed.stdout || failed.message}`);
  }
}

/** Starts the built site on `port` (or a free one) and waits until it answers GET / below 500. */
export async function startWebServer(opts: { apiUrl: string; logFile: string; port?: number }): Promise<WebServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  rmSync(opts.logFile, { force: true });
  await buildSite(`${opts.logFile.replace(/\.log$/, '')}-build.log`);
  const web = startProcess('web', process.execPath, ['web/production-server.ts'], {
    cwd: ROOT,
    logFile: opts.logFile,
    env: {
      ...process.env,
      WEB_PORT: String(port),
      WEB_ORIGIN: url,
      API_URL: opts.apiUrl,
      PUBLIC_API_URL: opts.apiUrl,
      NODE_ENV: 'production',
    },
  });
  try {
    await waitUntil('website', async () => (await fetch(url, { signal: AbortSignal.timeout(30_000) })).status < 500, {
      process: web,
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  } catch (error) {
    await web.stop();
    throw error;
  }
  return { url, port, logFile: opts.logFile, stop: () => web.stop() };
}
