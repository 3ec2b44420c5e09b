// The load generator of a sandbox: plays the system's journeys (mounted from its ConfigMap as JSON) at their
// steady rates against the system's Services and serves what users felt:
//   GET /results[/N | ?windowSeconds=N]  per journey: requests, successes, successRate, p95Ms, lastRequestAt
//   GET /healthz, GET /metrics (Prometheus), JSON log lines on stdout.
// Deployed by the engine into every sandbox (cluster/load-generator.ts); the SLA's journey provider reads
// /results through the API server's service proxy.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Journey } from './journeys.ts';
import { Player } from './player.ts';

const SERVICE = 'load-generator';

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: SERVICE, msg, ...fields })}\n`);
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

function loadJourneys(): Journey[] {
  const file = process.env.JOURNEYS_FILE ?? '/etc/load-generator/journeys.json';
  const parsed = JSON.parse(process.env.JOURNEYS ?? readFileSync(file, 'utf8')) as { journeys?: Journey[] };
  const journeys = parsed.journeys ?? [];
  if (journeys.length === 0) throw new Error(`no journeys in ${process.env.JOURNEYS ? 'JOURNEYS' : file}`);
  for (const journey of journeys) {
    // The schema bounds it too; the generator keeps its promise of a few requests per second regardless.
    if (!(journey.ratePerSecond > 0 && journey.ratePerSecond <= 5))
      throw new Error(`journey ${journey.name}: ratePerSecond must be in (0, 5]`);
  }
  return journeys;
}

const port = integer('PORT', 8080);
const windowSeconds = integer('WINDOW_SECONDS', 30);
const retainSeconds = Math.max(windowSeconds, integer('RETAIN_SECONDS', 300));
const journeys = loadJourneys();
const registry = new Registry();
registry.setDefaultLabels({ service: SERVICE });
collectDefaultMetrics({ register: registry });
const player = new Player({ journeys, retainSeconds, timeoutMs: integer('STEP_TIMEOUT_MS', 2000), registry, log });

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://load-generator');
  const send = (status: number, body: string, type = 'application/json') => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  if (request.method !== 'GET') return send(405, JSON.stringify({ error: 'only GET' }));
  if (url.pathname === '/healthz' || url.pathname === '/readyz') return send(200, JSON.stringify({ ok: true }));
  // /results/30 asks for a 30 s window too (the API server's service proxy passes a path more easily than a query).
  const results = /^\/results(?:\/(\d+))?$/.exec(url.pathname);
  if (results) {
    const asked = Number(results[1] ?? url.searchParams.get('windowSeconds') ?? windowSeconds);
    const window = Number.isFinite(asked) && asked > 0 ? Math.min(asked, retainSeconds) : windowSeconds;
    const now = Date.now();
    return send(
      200,
      JSON.stringify({ generatedAt: new Date(now).toISOString(), windowSeconds: window, journeys: player.results(window, now) }),
    );
  }
  if (url.pathname === '/metrics') {
    void registry.metrics().then(
      (text) => send(200, text, registry.contentType),
      (error: unknown) => send(500, JSON.stringify({ error: String(error) })),
    );
    return;
  }
  send(404, JSON.stringify({ error: `no route ${url.pathname}` }));
});

server.listen(port, '0.0.0.0', () => {
  log('info', 'load generator started', { port, windowSeconds, journeys: journeys.map((j) => `${j.name}@${j.ratePerSecond}/s`) });
  player.start();
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    player.stop();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
