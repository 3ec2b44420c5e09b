// Benchmarks of the SLA watch.
// 1. Batching: N concurrent sessions on the sumo provider (against the local fake of the Sumo API) must make
//    no more Sumo requests per poll interval than 1 session does (plus paging), under 4 requests/s.
// 2. Repair detection latency (unless --batching-only): kube-state on the sim cluster, fix applied → green
//    reported, minus the hold time; median and p95.
// Run: node bench/sla-batching.ts [--quick] [--sessions 200] [--intervals 4] [--trials 10] [--batching-only]
// Writes bench/results/sla-batching.json in the suite's shape (bench/lib/result.ts), so BENCHMARKS.md shows it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectKube } from '../cluster/kube.ts';
import { SlaEvaluator } from '../activities/sla/evaluator.ts';
import { kubeStateProvider } from '../activities/sla/kube-state.ts';
import { percentile } from '../activities/sla/percentile.ts';
import { SumoClient } from '../activities/sla/sumo/client.ts';
import { sumoProvider } from '../activities/sla/sumo/provider.ts';
import { Throttle } from '../activities/sla/sumo/throttle.ts';
import { loadConfig } from '../config/config.ts';
import { migrateDatabase, openDatabase } from '../db/client.ts';
import { startEmbeddedDatabase } from '../infra/db/pglite-server.ts';
import { freePort } from '../infra/lib/ports.ts';
import { startSimCluster } from '../infra/sim-cluster/start.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import type { Objective } from '../scenarios/lib/schema.ts';
import { startFakeSumo } from '../tests/support/fake-sumo.ts';
import { createSlaSandbox } from '../tests/support/sla-sandbox.ts';
import { machineInfo, metric, writeResult, type Metric } from './lib/result.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sessions: { type: 'string' },
    intervals: { type: 'string' },
    trials: { type: 'string' },
    'batching-only': { type: 'boolean', default: false },
  },
});
const quick = args.quick ?? false;
// --quick (bench/run.ts --quick): a smoke run of the same measurement with fewer sessions, intervals and trials.
const sessions = positiveInteger('sessions', args.sessions ?? (quick ? '20' : '200'));
const intervals = positiveInteger('intervals', args.intervals ?? (quick ? '2' : '4'));
const trials = positiveInteger('trials', args.trials ?? (quick ? '2' : '10'));
const command = process.env.BENCH_COMMAND ?? ['node bench/sla-batching.ts', ...process.argv.slice(2)].join(' ');
const machine = machineInfo();
const date = new Date().toISOString();
const t0 = performance.now();

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (Number.isInteger(value) && value > 0) return value;
  console.error(`--${name} must be a positive integer, got ${text}`);
  process.exit(2);
}
const POLL_MS = 5000;
const objectives: Objective[] = [
  {
    name: 'errors',
    description: 'Few requests fail',
    kubeState: { serviceHasReadyEndpoints: { name: 'web' } },
    sumo: {
      search: '_sourceCategory=kubernetes/web {{namespaces}} | json "status" | if(status >= 500, 1, 0) as e | avg(e) as value by namespace',
      max: 0.05,
    },
  },
  {
    name: 'latency',
    description: 'Fast answers',
    kubeState: { serviceHasReadyEndpoints: { name: 'web' } },
    sumo: { metrics: 'metric=http_p95_ms {{namespaces}} | avg by namespace', max: 300 },
  },
];

/** `sessions` watchers looping on one evaluator for `intervals` poll intervals; Sumo requests counted by the fake. */
async function batching(sessions: number, intervals: number) {
  const fake = await startFakeSumo();
  for (let n = 0; n < sessions; n += 1) fake.values.set(`fl-${n}`, n % 10 === 0 ? 0.5 : 0);
  const client = new SumoClient(
    { apiUrl: fake.apiUrl, accessId: fake.accessId, accessKey: fake.accessKey },
    { throttle: new Throttle(4, 10) },
  );
  const evaluator = new SlaEvaluator(sumoProvider(client, { ingestLagSeconds: 60, windowSeconds: 120, searchPollMs: 250 }), POLL_MS);
  const started = Date.now();
  let readings = 0;
  let red = 0;
  await Promise.all(
    Array.from({ length: sessions }, async (_, n) => {
      for (let i = 0; i < intervals; i += 1) {
        const reading = await evaluator.next({ sessionId: `s${n}`, namespace: `fl-${n}`, objectives });
        readings += 1;
        if (i === 0 && reading.status === 'red') red += 1;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  evaluator.close();
  await fake.close();
  return {
    sessions,
    intervals,
    pollSeconds: POLL_MS / 1000,
    evaluations: evaluator.stats.evaluations,
    readings,
    redSessions: red,
    sumoRequests: fake.stats.requests,
    requestsPerInterval: fake.stats.requests / evaluator.stats.evaluations,
    searchJobsCreated: fake.stats.searchJobsCreated,
    maxRequestsInAnySecond: fake.stats.maxStartsPerSecond,
    rejected429: fake.stats.rejected429,
    searchJobsLeft: fake.live().searchJobs,
    seconds,
  };
}

async function repairLatency(trials: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
  const [cluster, db] = await Promise.all([
    (async () =>
      startSimCluster({
        dataDir: join(dir, 'sim'),
        apiPort: await freePort(),
        etcdPort: await freePort(),
        etcdPeerPort: await freePort(),
      }))(),
    (async () => startEmbeddedDatabase({ port: await freePort() }))(),
  ]);
  await migrateDatabase(db.url);
  const database = openDatabase(db.url);
  const kube = connectKube(cluster.kubeconfigPath);
  const library = loadLibrary(loadConfig({}).scenariosDir);
  const pollMs = 1000;
  const holdSeconds = 3;
  const evaluator = new SlaEvaluator(kubeStateProvider(kube), pollMs);
  const latencies: number[] = [];
  try {
    for (let trial = 0; trial < trials; trial += 1) {
      const sandbox = await createSlaSandbox(
        database.db,
        kube,
        library,
        evaluator,
        library.systems.get('demo-app')!.system.spec.objectives,
      );
      await sandbox.watch('green', 0);
      await sandbox.scale('storefront', 0);
      await sandbox.watch('red', 0);
      const repaired = sandbox.watch('repaired', holdSeconds);
      const fixedAt = Date.now();
      await sandbox.scale('storefront', 2);
      await repaired;
      latencies.push(Date.now() - fixedAt - holdSeconds * 1000);
      await sandbox.remove();
    }
  } finally {
    evaluator.close();
    await database.close();
    await Promise.all([cluster.stop(), db.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    trials,
    pollSeconds: pollMs / 1000,
    holdSeconds,
    latenciesMs: latencies,
    medianMs: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
  };
}

const one = await batching(1, intervals);
const many = await batching(sessions, intervals);
console.log(
  `sumo, 1 session:   ${one.requestsPerInterval.toFixed(1)} requests per ${POLL_MS / 1000}s interval, max ${one.maxRequestsInAnySecond} req/s`,
);
console.log(
  `sumo, ${sessions} sessions: ${many.requestsPerInterval.toFixed(1)} requests per interval, max ${many.maxRequestsInAnySecond} req/s, ${many.rejected429} × 429, ${many.searchJobsLeft} jobs left`,
);
const single = (samples: number) => ({ label: '1 session', samples: [samples] });
const metrics: Metric[] = [
  metric(`Sumo requests per poll interval, ${sessions} sessions`, 'requests', [many.requestsPerInterval], {
    baseline: single(one.requestsPerInterval),
    goal: { stat: 'median', maxRatio: 1 },
  }),
  metric(`most Sumo requests started in any one second, ${sessions} sessions`, 'requests', [many.maxRequestsInAnySecond], {
    baseline: single(one.maxRequestsInAnySecond),
    goal: { stat: 'p95', max: 4 },
  }),
  metric(`429 responses, ${sessions} sessions`, '', [many.rejected429], {
    baseline: single(one.rejected429),
    goal: { stat: 'p95', max: 0 },
  }),
  metric(`search jobs left open, ${sessions} sessions`, '', [many.searchJobsLeft], {
    baseline: single(one.searchJobsLeft),
    goal: { stat: 'p95', max: 0 },
  }),
];
const notes = [
  `Per run: ${many.evaluations} evaluations (one per interval, shared by all sessions), ${many.readings} readings, ${many.searchJobsCreated} search jobs created, ${many.sumoRequests} Sumo requests in ${many.seconds.toFixed(1)} s (1 session: ${one.evaluations} evaluations, ${one.searchJobsCreated} search jobs, ${one.sumoRequests} requests in ${one.seconds.toFixed(1)} s).`,
  `Red at the first reading: ${many.redSessions} of ${sessions} sessions (every 10th namespace has a 50 % error rate in the fake), ${one.redSessions} of 1: the batched answer still reaches each session.`,
  'The Sumo counts are one run each (n=1): requests per interval = requests ÷ evaluations over the whole run.',
];
let repair: Awaited<ReturnType<typeof repairLatency>> | undefined;
if (!args['batching-only']) {
  repair = await repairLatency(trials);
  metrics.push(
    metric(`kube-state: fix → green reported, minus the ${repair.holdSeconds} s hold`, 'ms', repair.latenciesMs, {
      goal: { stat: 'p95', max: 5000 },
    }),
  );
  notes.push(`Repair detection: SLA poll ${repair.pollSeconds} s, so up to one poll interval of the latency is waiting for the next poll.`);
  console.log(
    `kube-state repair detection (green reported − fix − hold), ${repair.trials} trials, poll ${repair.pollSeconds}s: median ${repair.medianMs} ms, p95 ${repair.p95Ms} ms`,
  );
}
const path = writeResult(resolve(import.meta.dirname, 'results'), {
  name: 'sla-batching',
  title: 'SLA watch: Sumo Logic request batching and kube-state repair detection',
  description:
    `Batching: against the local fake of the documented Sumo Logic API (\`tests/support/fake-sumo.ts\`), ${sessions} sessions on the sumo provider share one SLA evaluator (client throttle 4 requests/s, 10 in flight); each session loops on it for ${intervals} poll intervals of ${POLL_MS / 1000} s with two objectives (a log search and a metrics query). ` +
    'The fake counts every request, the most requests started in any one second, 429 responses and the search jobs still open at the end. Baseline: the same with 1 session, run just before. ' +
    (repair
      ? `Repair detection: a demo-app sandbox on the sim cluster watched with the kube-state provider (poll ${repair.pollSeconds} s); storefront is scaled to 0 until the SLA reads red, then back to 2; timed from the scale call until the watch reports repaired, minus the ${repair.holdSeconds} s hold, ${repair.trials} trials one after another. No baseline.`
      : 'Repair detection was not run (--batching-only).'),
  command,
  quick,
  date,
  durationSeconds: (performance.now() - t0) / 1000,
  machine,
  params: {
    sessions,
    intervals,
    pollSeconds: POLL_MS / 1000,
    ...(repair ? { repairTrials: repair.trials, repairPollSeconds: repair.pollSeconds, holdSeconds: repair.holdSeconds } : {}),
  },
  metrics,
  notes,
});
console.log(`written to ${path}`);
