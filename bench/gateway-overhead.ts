// How much the recording kube gateway adds to a participant's kubectl: `kubectl get pods` N times through the
// gateway and straight to the sandbox API server (same namespace, same service-account rights), interleaved
// so both see the same machine load; and the time to the first event of `kubectl get pods -w` both ways.
// Run: node bench/gateway-overhead.ts [--quick] [N]   (starts its own sim cluster and embedded database; ~1 minute)
// Writes bench/results/gateway-overhead.json in the suite's shape (bench/lib/result.ts), so BENCHMARKS.md shows it.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import pino from 'pino';
import { createClusterDriver } from '../cluster/drivers.ts';
import { connectKube } from '../cluster/kube.ts';
import { parseManifests } from '../cluster/sandbox.ts';
import { issueKubeCredential } from '../gateway/credentials.ts';
import { startGateway } from '../gateway/server.ts';
import { migrateDatabase, openDatabase } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { freePort } from '../infra/lib/ports.ts';
import { requireTool } from '../infra/lib/tools.ts';
import { renderKubeconfig } from '../cluster/kubeconfig.ts';
import { startSimCluster } from '../infra/sim-cluster/start.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { startEmbeddedDatabaseProcess } from '../infra/db/process.ts';
import { formatNumber } from './lib/markdown.ts';
import { machineInfo, metric, writeResult, type Metric } from './lib/result.ts';

const run = promisify(execFile);
const { values: args, positionals } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, allowPositionals: true });
const quick = args.quick ?? false;
// --quick (bench/run.ts --quick): a smoke run of the same measurement with few samples.
const N = Number(positionals[0] ?? (quick ? 5 : 30));
const WATCH_RUNS = quick ? 3 : 10;
if (!(Number.isInteger(N) && N > 0)) {
  console.error(
    `usage: node bench/gateway-overhead.ts [--quick] [N]   (N = kubectl get pods runs each way, a positive integer; got ${positionals[0]})`,
  );
  process.exit(2);
}
const ROOT = resolve(import.meta.dirname, '..');
const kubectlPath = requireTool('kubectl');
const command = process.env.BENCH_COMMAND ?? ['node bench/gateway-overhead.ts', ...process.argv.slice(2)].join(' ');
const machine = machineInfo();
const date = new Date().toISOString();
const t0 = performance.now();

async function timeGetPods(kubeconfig: string): Promise<number> {
  const started = performance.now();
  const { stdout } = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'get', 'pods'], { timeout: 30_000 });
  if (!stdout.includes('storefront')) throw new Error(`unexpected output: ${stdout}`);
  return performance.now() - started;
}

/** One console line: gateway and direct median/p95 and the median ratio. */
function describeMetric({ name, summary, baseline }: Metric): string {
  const direct = baseline
    ? ` vs direct ${formatNumber(baseline.summary.median)}/${formatNumber(baseline.summary.p95)} ms, ratio ${(summary.median / baseline.summary.median).toFixed(2)}×`
    : '';
  return `${name}: median/p95 ${formatNumber(summary.median)}/${formatNumber(summary.p95)} ms${direct}`;
}

/** Milliseconds from starting `kubectl get pods -w` to its first printed row. */
function timeFirstWatchEvent(kubeconfig: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(kubectlPath, ['--kubeconfig', kubeconfig, 'get', 'pods', '-w', '--no-headers'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('no watch event within 20 s'));
    }, 20_000);
    child.stdout.once('data', () => {
      const elapsed = performance.now() - started;
      clearTimeout(timer);
      child.kill();
      resolvePromise(elapsed);
    });
    child.on('error', reject);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
const stops: (() => Promise<void>)[] = [];
try {
  console.log('starting the sim cluster and the embedded database…');
  const [cluster, embedded] = await Promise.all([
    (async () =>
      startSimCluster({
        dataDir: join(dir, 'sim'),
        apiPort: await freePort(),
        etcdPort: await freePort(),
        etcdPeerPort: await freePort(),
      }))(),
    (async () => startEmbeddedDatabaseProcess({ port: await freePort(), logFile: join(dir, 'pglite.log') }))(),
  ]);
  stops.push(cluster.stop, embedded.stop);
  await migrateDatabase(embedded.url);
  const database = openDatabase(embedded.url, { maxConnections: 5 });
  stops.push(() => database.close());
  const kube = connectKube(cluster.kubeconfigPath);
  const driver = createClusterDriver('sim', kube);

  // A sandbox like a session's: the demo system, the participant account, a session row and a gateway credential.
  const sessionId = randomUUID();
  const namespace = await driver.createSandbox(sessionId);
  const library = loadLibrary(join(ROOT, 'scenarios'));
  const system = library.systems.get('demo-app');
  if (!system) throw new Error('the demo-app system is missing from the library');
  await driver.applyManifests(sessionId, namespace, parseManifests(system.manifests));
  await driver.grantParticipantAccess(sessionId, namespace);
  await database.db.insert(sessions).values({
    id: sessionId,
    workflowId: `bench-${sessionId}`,
    scenarioId: 'bench',
    systemId: 'demo-app',
    mode: 'challenge',
    participantName: 'Bench',
    tokenHash: 'x',
    phase: 'running',
    namespace,
  });
  const gateway = await startGateway({
    db: database.db,
    logger: pino({ level: 'silent' }),
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    driver,
  });
  stops.push(() => gateway.close());

  const viaGateway = join(dir, 'gateway.kubeconfig');
  writeFileSync(
    viaGateway,
    renderKubeconfig({
      server: gateway.publicUrl,
      caData: gateway.caPem,
      token: await issueKubeCredential(database.db, sessionId, new Date(Date.now() + 3600_000)),
      user: 'participant',
      namespace,
    }),
    { mode: 0o600 },
  );
  const direct = join(dir, 'direct.kubeconfig');
  writeFileSync(
    direct,
    renderKubeconfig({
      server: kube.server,
      caData: kube.caData,
      token: (await driver.sandboxCredentials(sessionId, namespace)).token,
      user: 'participant',
      namespace,
    }),
    { mode: 0o600 },
  );

  for (
    let waited = 0;
    !(await run(kubectlPath, ['--kubeconfig', direct, 'get', 'pods', '--no-headers']).then(({ stdout }) => stdout.includes('storefront')));
    waited += 1
  ) {
    if (waited > 60) throw new Error('the demo pods did not appear');
    await new Promise((r) => setTimeout(r, 500));
  }
  // Warm both paths (discovery cache, TLS sessions, the gateway's upstream token) before measuring.
  for (let index = 0; index < 3; index += 1) {
    await timeGetPods(direct);
    await timeGetPods(viaGateway);
  }

  console.log(`measuring kubectl get pods ×${N} each way (interleaved, Challenge mode: bodies rewritten)…`);
  const get = { direct: [] as number[], gateway: [] as number[] };
  for (let index = 0; index < N; index += 1) {
    // Alternate which goes first so neither always pays for the other's aftermath.
    if (index % 2 === 0) {
      get.direct.push(await timeGetPods(direct));
      get.gateway.push(await timeGetPods(viaGateway));
    } else {
      get.gateway.push(await timeGetPods(viaGateway));
      get.direct.push(await timeGetPods(direct));
    }
  }
  console.log(`measuring the first event of kubectl get pods -w ×${WATCH_RUNS} each way…`);
  const watch = { direct: [] as number[], gateway: [] as number[] };
  for (let index = 0; index < WATCH_RUNS; index += 1) {
    watch.direct.push(await timeFirstWatchEvent(direct));
    watch.gateway.push(await timeFirstWatchEvent(viaGateway));
  }

  const getPods = metric('kubectl get pods via the gateway', 'ms', get.gateway, {
    baseline: { label: 'direct', samples: get.direct },
    goal: { stat: 'median', maxRatio: 1.2 },
  });
  const firstEvent = metric('kubectl get pods -w, first event via the gateway', 'ms', watch.gateway, {
    baseline: { label: 'direct', samples: watch.direct },
  });
  const path = writeResult(join(ROOT, 'bench', 'results'), {
    name: 'gateway-overhead',
    title: 'Kube gateway overhead',
    description:
      "One sandbox like a session's (demo-app deployed, the participant service account, a session row in Challenge mode, so response bodies are rewritten and every request is recorded). " +
      '`kubectl get pods` is timed from spawning kubectl until it exits with the storefront pods listed, through the recording kube gateway with a gateway credential; ' +
      '`kubectl get pods -w --no-headers` from spawning kubectl until its first row is printed. ' +
      "Baseline: the same commands with the same service account's token straight to the sandbox API server, interleaved with the gateway runs (the order alternates for get pods) so both see the same machine load.",
    command,
    quick,
    date,
    durationSeconds: (performance.now() - t0) / 1000,
    machine,
    params: { getPodsRuns: N, watchRuns: WATCH_RUNS, warmupRounds: 3, mode: 'challenge' },
    metrics: [getPods, firstEvent],
    notes: [
      "Three warm-up rounds each way (discovery cache, TLS sessions, the gateway's upstream token) are run first and not counted.",
      "Each sample includes starting the kubectl process; the gateway's overhead is the difference to the direct baseline.",
      'The goal "gateway median ≤ 1.2 × direct median" is checked on kubectl get pods only; the watch is shown for information.',
    ],
  });
  console.log(`\n${[getPods, firstEvent].map(describeMetric).join('\n')}\nwritten to ${path}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  rmSync(dir, { recursive: true, force: true });
}
