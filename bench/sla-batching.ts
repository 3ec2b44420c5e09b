// Benchmarks of the SLA watch.
// 1. Batching: N concurrent sessions on the sumo provider (against the local fake of the Sumo API) must make
//    no more Sumo requests per poll interval than 1 session does (plus paging), under 4 requests/s.
// 2. Repair detection latency (unless --batching-only): kube-state on the sim cluster, fix applied → green
//    reported, minus the hold time; median and p95.
// Run: node bench/sla-batching.ts [--sessions 200] [--intervals 4] [--trials 10] [--batching-only]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectKube } from '../activities/cluster/kube.ts';
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

const { values: args } = parseArgs({ options: {
  sessions: { type: 'string', default: '200' }, intervals: { type: 'string', default: '4' },
  trials: { type: 'string', default: '10' }, 'batching-only': { type: 'boolean', default: false },
} });
const POLL_MS = 5000;
const objectives: Objective[] = [
  { name: 'errors', description: 'Few requests fail', kubeState: { serviceHasReadyEndpoints: { name: 'web' } },
    sumo: { search: '_sourceCategory=kubernetes/web {{namespaces}} | json "status" | if(status >= 500, 1, 0) as e | avg(e) as value by namespace', max: 0.05 } },
  { name: 'latency', description: 'Fast answers', kubeState: { serviceHasReadyEndpoints: { name: 'web' } },
    sumo: { metrics: 'metric=http_p95_ms {{namespaces}} | avg by namespace', max: 300 } },
];

/** `sessions` watchers looping on one evaluator for `intervals` poll intervals; Sumo requests counted by the fake. */
async function batching(sessions: number, intervals: number) {
  const fake = await startFakeSumo();
  for (let n = 0; n < sessions; n += 1) fake.values.set(`fl-${n}`, n % 10 === 0 ? 0.5 : 0);
  const client = new SumoClient({ apiUrl: fake.apiUrl, accessId: fake.accessId, accessKey: fake.accessKey }, { throttle: new Throttle(4, 10) });
  const evaluator = new SlaEvaluator(sumoProvider(client, { ingestLagSeconds: 60, windowSeconds: 120, searchPollMs: 250 }), POLL_MS);
  const started = Date.now();
  let readings = 0;
  let red = 0;
  await Promise.all(Array.from({ length: sessions }, async (_, n) => {
    for (let i = 0; i < intervals; i += 1) {
      const reading = await evaluator.next({ sessionId: `s${n}`, namespace: `fl-${n}`, objectives });
      readings += 1;
      if (i === 0 && reading.status === 'red') red += 1;
    }
  }));
  const seconds = (Date.now() - started) / 1000;
  evaluator.close();
  await fake.close();
  return {
    sessions, intervals, pollSeconds: POLL_MS / 1000, evaluations: evaluator.stats.evaluations, readings, redSessions: red,
    sumoRequests: fake.stats.requests, requestsPerInterval: fake.stats.requests / evaluator.stats.evaluations,
    searchJobsCreated: fake.stats.searchJobsCreated, maxRequestsInAnySecond: fake.stats.maxStartsPerSecond,
    rejected429: fake.stats.rejected429, searchJobsLeft: fake.live().searchJobs, seconds,
  };
}

async function repairLatency(trials: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
  const [cluster, db] = await Promise.all([
    (async () => startSimCluster({ dataDir: join(dir, 'sim'), apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() }))(),
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
      const sandbox = await createSlaSandbox(database.db, kube, library, evaluator, library.systems.get('demo-app')!.system.spec.objectives);
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
  return { trials, pollSeconds: pollMs / 1000, holdSeconds, latenciesMs: latencies, medianMs: percentile(latencies, 50), p95Ms: percentile(latencies, 95) };
}

const sessions = Number(args.sessions);
const intervals = Number(args.intervals);
const one = await batching(1, intervals);
const many = await batching(sessions, intervals);
const results: Record<string, unknown> = {
  batching: { one, many, sameRequestsPerInterval: many.requestsPerInterval <= one.requestsPerInterval, under4PerSecond: many.maxRequestsInAnySecond <= 4 },
};
console.log(`sumo, 1 session:   ${one.requestsPerInterval.toFixed(1)} requests per ${POLL_MS / 1000}s interval, max ${one.maxRequestsInAnySecond} req/s`);
console.log(`sumo, ${sessions} sessions: ${many.requestsPerInterval.toFixed(1)} requests per interval, max ${many.maxRequestsInAnySecond} req/s, ${many.rejected429} × 429, ${many.searchJobsLeft} jobs left`);
if (!args['batching-only']) {
  const latency = await repairLatency(Number(args.trials));
  results.repairLatency = latency;
  console.log(`kube-state repair detection (green reported − fix − hold), ${latency.trials} trials, poll ${latency.pollSeconds}s: median ${latency.medianMs} ms, p95 ${latency.p95Ms} ms`);
}
const out = resolve(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'sla-batching.json'), `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`);
console.log(`written to bench/results/sla-batching.json`);
