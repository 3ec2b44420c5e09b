// SLA providers on real components: kube-state and a real Prometheus (scraping the sim cluster's state)
// turn red on the fault, green only once the fix has held for the hold time, and read unknown — never
// green — when the provider is down. The probe provider judges a local service by fresh requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube, type Kube } from '../../cluster/kube.ts';
import { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import { kubeStateProvider } from '../../activities/sla/kube-state.ts';
import { probeProvider } from '../../activities/sla/probe.ts';
import { createSlaProvider } from '../../activities/sla/providers.ts';
import { readSeries, sessionErrorBudget } from '../../activities/sla/samples.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { sessionEvents, sessions } from '../../db/schema.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { startKubeStateExporter } from '../support/kube-state-exporter.ts';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.ts';
import { createSlaSandbox, type SlaSandbox } from '../support/sla-sandbox.ts';

const library = loadLibrary(loadConfig({}).scenariosDir);
// The test's own objectives over the demo app (the library's may change shape): availability per
// deployment, and the storefront Service's endpoints.
const available = (name: string): Objective => ({
  name: `${name}-available`,
  description: `${name} has an available replica`,
  kubeState: { deploymentAvailable: { name, minAvailable: 1 } },
});
const demoObjectives: Objective[] = [
  available('storefront'),
  {
    name: 'storefront-endpoints',
    description: 'the storefront Service has ready endpoints',
    kubeState: { serviceHasReadyEndpoints: { name: 'storefront' } },
  },
  available('catalog'),
];
const HOLD_SECONDS = 3;

let database: DatabaseHandle;
let kube: Kube;
beforeAll(() => {
  database = openDatabase(inject('databases')[0]!.url);
  kube = connectKube(inject('kubeconfig'));
});
afterAll(async () => database?.close());

/** Fault, then fix: red at once, green no sooner than the hold after the fix; returns ms from fix to green. */
async function breakAndRepair(sandbox: SlaSandbox): Promise<number> {
  expect((await sandbox.watch('green', 0)).status).toBe('green');
  await sandbox.scale('storefront', 0);
  expect((await sandbox.watch('red', 0)).status).toBe('red');
  const repaired = sandbox.watch('repaired', HOLD_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const fixedAt = Date.now();
  await sandbox.scale('storefront', 2);
  const result = await repaired;
  const reportedAt = Date.now();
  expect(result.status).toBe('green');
  expect(reportedAt - fixedAt).toBeGreaterThanOrEqual(HOLD_SECONDS * 1000);
  expect(Date.parse(result.at)).toBeGreaterThanOrEqual(fixedAt - 1000); // green began after the fix
  return reportedAt - fixedAt;
}

async function expectRecorded(sandbox: SlaSandbox) {
  const events = await database.db.select().from(sessionEvents).where(eq(sessionEvents.sessionId, sandbox.sessionId));
  const summaries = events.filter((e) => e.kind === 'sla').map((e) => e.summary);
  expect(summaries).toContain('SLA green');
  // Which storefront objective is seen failing first depends on the provider's timing (scrape vs apiserver).
  expect(summaries).toContainEqual(expect.stringMatching(/^SLA red: .*storefront-/));
  const series = await readSeries(database.db, sandbox.sessionId);
  expect(series.map((s) => s.status)).toEqual(expect.arrayContaining(['green', 'red']));
  const budget = await sessionErrorBudget(database.db, sandbox.sessionId, demoObjectives, series[0]!.at, new Date());
  expect(budget.perObjective['storefront-available']).toBeGreaterThan(1);
}

describe('kube-state provider on the sim cluster', () => {
  it('red on the fault, green only after the hold, with the SLA series and error budget recorded', async () => {
    const evaluator = new SlaEvaluator(kubeStateProvider(kube), 500);
    const sandbox = await createSlaSandbox(database.db, kube, library, evaluator, demoObjectives);
    try {
      await breakAndRepair(sandbox);
      await expectRecorded(sandbox);
    } finally {
      evaluator.close();
      await sandbox.remove();
    }
  });
});

describe('prometheus provider against a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let exporter: Awaited<ReturnType<typeof startKubeStateExporter>>;
  const promObjectives: Objective[] = demoObjectives.map((objective) =>
    objective.name === 'storefront-endpoints'
      ? objective
      : {
          ...objective,
          prometheus: {
            query: `sum(kube_deployment_status_replicas_available{namespace="{{namespace}}",deployment="${objective.name.replace(/-available$/, '')}"})`,
            min: 1,
          },
        },
  );

  beforeAll(async () => {
    exporter = await startKubeStateExporter(kube);
    prometheus = await startPrometheus(exporter.target);
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it('red on the fault, green only after the hold; unknown and never green while Prometheus is down', async () => {
    const sla = loadConfig({ SLA_PROVIDER: 'prometheus', PROMETHEUS_URL: prometheus!.url, PROMETHEUS_LAG_SECONDS: '1' }).sla;
    const evaluator = new SlaEvaluator(createSlaProvider(sla, kube), 500);
    const sandbox = await createSlaSandbox(database.db, kube, library, evaluator, promObjectives);
    try {
      await breakAndRepair(sandbox);
      await expectRecorded(sandbox);
      const [row] = await database.db.select().from(sessions).where(eq(sessions.id, sandbox.sessionId));
      expect((row!.slaObjectives as { name: string; value?: number }[]).find((o) => o.name === 'storefront-available')?.value).toBe(2);

      await prometheus!.stop();
      prometheus = undefined;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('no green while Prometheus is down')), 4000);
      await expect(sandbox.watch('green', 0, controller.signal)).rejects.toThrow('no green while Prometheus is down');
      clearTimeout(timer);
      const [after] = await database.db.select().from(sessions).where(eq(sessions.id, sandbox.sessionId));
      expect(after!.slaStatus).toBe('unknown');
      const objectives = after!.slaObjectives as { name: string; status: string }[];
      expect(objectives.find((o) => o.name === 'storefront-available')?.status).toBe('unknown');
      expect(objectives.find((o) => o.name === 'storefront-endpoints')?.status).toBe('green'); // kube-state fallback still reads
    } finally {
      evaluator.close();
      await sandbox.remove();
    }
  });
});

describe('probe provider against a local service', () => {
  let server: Server;
  let mode: 'ok' | 'failing' | 'slow' = 'ok';
  const seen = new Set<string>();
  const objective: Objective = {
    name: 'storefront-probe',
    description: 'The storefront answers',
    kubeState: { serviceHasReadyEndpoints: { name: 'storefront' } },
    probe: { service: 'storefront', path: '/health', minSuccessRate: 0.9, maxP95Ms: 200 },
  };
  let requestNumber = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.add(req.url ?? '');
      requestNumber += 1;
      if (mode === 'failing' && requestNumber % 2 === 0) return void res.writeHead(503).end('down');
      if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('ok'), 400);
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('judges success rate and p95 latency from fresh requests', async () => {
    const port = (server.address() as AddressInfo).port;
    const provider = probeProvider({
      urlTemplate: `http://127.0.0.1:${port}{path}?ns={namespace}`,
      requests: 10,
      concurrency: 5,
      timeoutMs: 1000,
    });
    const evaluate = async () => (await provider.evaluate([{ sessionId: 's', namespace: 'fl-probe', objectives: [objective] }])).get('s')!;

    const healthy = await evaluate();
    expect(healthy).toMatchObject({ status: 'green', objectives: [{ value: 1, slis: { successRate: 1, requests: 10 } }] });
    expect(seen.size).toBe(10); // every request was a fresh one (unique URL), none served from a cache

    mode = 'failing';
    const failing = await evaluate();
    expect(failing.status).toBe('red');
    expect(failing.objectives[0]!.slis!.successRate).toBeCloseTo(0.5, 1);

    mode = 'slow';
    const slow = await evaluate();
    expect(slow.status).toBe('red');
    expect(slow.objectives[0]!.slis!.p95Ms).toBeGreaterThanOrEqual(390);

    mode = 'ok';
    expect((await evaluate()).status).toBe('green');
  });
});
