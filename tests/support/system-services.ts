// The systems' programs (services/) as local processes, with a real Redis and nginx from Debian: what the
// system-services tests run. Each program gets a free port; its log file holds its JSON log lines.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { freePort } from '../../infra/lib/ports.ts';
import { startProcess, waitUntil, type ManagedProcess } from '../../infra/lib/processes.ts';
import { buildServices } from '../../services/build.ts';

export interface Running {
  name: string;
  url: string;
  port: number;
  process: ManagedProcess;
  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  /** Everything written so far, as text (nginx's error log is not JSON). */
  logText(): string;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Builds the bundles into `dir` (as `npm run build:services` does into services/dist). */
export async function buildPrograms(dir: string): Promise<string> {
  const out = join(dir, 'dist');
  await buildServices(out);
  return out;
}

function running(name: string, port: number, process: ManagedProcess): Running {
  const logText = () => readFileSync(process.logFile, 'utf8');
  const logLines = () =>
    logText()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { name, url: `http://127.0.0.1:${port}`, port, process, logLines, logText };
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url).catch(() => undefined);
  return response?.ok ?? false;
}

/** Starts `node <dist>/<program>.js` with only PATH, PORT and `env`; waits for /readyz unless told not to. */
export async function startProgram(
  dist: string,
  logDir: string,
  program: string,
  env: Record<string, string>,
  { name = program, waitReady = true, port: chosen }: { name?: string; waitReady?: boolean; port?: number } = {},
): Promise<Running> {
  const port = chosen ?? (await freePort());
  const child = startProcess(name, process.execPath, [join(dist, `${program}.js`)], {
    logFile: join(logDir, `${name}.log`),
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
  });
  if (waitReady) await waitUntil(name, () => answers(`http://127.0.0.1:${port}/readyz`), { process: child, timeoutMs: 30_000 });
  return running(name, port, child);
}

/** The value a scenario's first fault writes (e.g. the broken default.conf of search-proxy-config-broken). */
export function scenarioFaultValue(scenario: string): string {
  const text = readFileSync(join(ROOT, 'scenarios/library', scenario, 'scenario.yaml'), 'utf8');
  const steps = (parse(text) as { spec: { steps: { fault: { args: { value: string } } }[] } }).spec.steps;
  return steps[0]!.fault.args.value;
}

export async function startRedis(logDir: string): Promise<Running> {
  const port = await freePort();
  const child = startProcess('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    logFile: join(logDir, 'redis.log'),
  });
  await waitUntil('redis-server', async () => readFileSync(child.logFile, 'utf8').includes('Ready to accept connections'), {
    process: child,
  });
  return running('redis', port, child);
}

/** The search-proxy ConfigMap of travel-logic (keys in `replaced` swapped), its upstream names made local addresses. */
export function searchProxyConfig(
  upstreams: Record<string, string>,
  listen: number,
  replaced: Record<string, string> = {},
): Record<string, string> {
  const manifests = readFileSync(join(ROOT, 'scenarios/systems/travel-logic/manifests.yaml'), 'utf8');
  const configMap = parseAllDocuments(manifests)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> })
    .find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'search-proxy');
  const data = { ...configMap?.data, ...replaced };
  for (const [key, text] of Object.entries(data)) {
    let local = text.replace('listen 8080;', `listen 127.0.0.1:${listen};`);
    for (const [host, address] of Object.entries(upstreams)) local = local.replaceAll(`http://${host};`, `http://${address};`);
    data[key] = local;
  }
  return data;
}

/** An nginx.conf like the nginx image's: foreground, logs to stdout/stderr, conf.d/*.conf inside http {}. */
function writeNginxConf(dir: string, confD: Record<string, string>): string {
  mkdirSync(join(dir, 'conf.d'), { recursive: true });
  for (const [key, text] of Object.entries(confD)) writeFileSync(join(dir, 'conf.d', key), text);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  ${temp}\n  include ${dir}/conf.d/*.conf;\n}\n`);
  return conf;
}

/** `nginx -t` on a config: nginx's own verdict (an `[emerg]` line for a broken one). */
export function nginxTest(dir: string, confD: Record<string, string>): string {
  const conf = writeNginxConf(dir, confD);
  // Into a file, not a pipe: node's pipes are sockets, and nginx cannot open /dev/stdout on a socket.
  const out = join(dir, 'nginx-t.log');
  const fd = openSync(out, 'w');
  try {
    spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', conf], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  return readFileSync(out, 'utf8');
}

export async function startNginx(dir: string, logDir: string, port: number, confD: Record<string, string>): Promise<Running> {
  const conf = writeNginxConf(dir, confD);
  const child = startProcess('search', '/usr/sbin/nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;'], {
    logFile: join(logDir, 'search.log'),
  });
  await waitUntil('nginx', () => answers(`http://127.0.0.1:${port}/healthz`), { process: child });
  return running('search', port, child);
}
