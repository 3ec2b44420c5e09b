// How much the recording kube gateway adds to a participant's kubectl: `kubectl get pods` N times through the
// gateway and straight to the sandbox API server (same namespace, same service-account rights), interleaved
// so both see the same machine load; and the time to the first event of `kubectl get pods -w` both ways.
// Run: node bench/gateway-overhead.ts [N]   (starts its own sim cluster and embedded database; ~1 minute)
// Writes bench/results/gateway-overhead.json.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pino from 'pino';
import { createClusterDriver } from '../activities/cluster/drivers.ts';
import { connectKube } from '../activities/cluster/kube.ts';
import { parseManifests } from '../activities/cluster/sandbox.ts';
import { issueKubeCredential } from '../api/gateway/credentials.ts';
import { startGateway } from '../api/gateway/server.ts';
import { migrateDatabase, openDatabase } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { freePort } from '../infra/lib/ports.ts';
import { requireTool } from '../infra/lib/tools.ts';
import { renderKubeconfig } from '../infra/sim-cluster/kubeconfig.ts';
import { startSimCluster } from '../infra/sim-cluster/start.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import { startEmbeddedDatabaseProcess } from '../infra/db/process.ts';

const run = promisify(execFile);
const N = Number(process.argv[2] ?? 30);
const WATCH_RUNS = 10;
const ROOT = resolve(import.meta.dirname, '..');
const kubectlPath = requireTool('kubectl');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const summary = (values: number[]) => ({ runs: values.length, medianMs: round(percentile(values, 50)), p95Ms: round(percentile(values, 95)), minMs: round(Math.min(...values)) });
const round = (value: number) => Math.round(value * 10) / 10;

async function timeGetPods(kubeconfig: string): Promise<number> {
  const started = performance.now();
  const { stdout } = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'get', 'pods'], { timeout: 30_000 });
  if (!stdout.includes('storefront')) throw new Error(`unexpected output: ${stdout}`);
  return performance.now() - started;
}

/** Milliseconds from starting `kubectl get pods -w` to its first printed row. */
function timeFirstWatchEvent(kubeconfig: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(kubectlPath, ['--kubeconfig', kubeconfig, 'get', 'pods', '-w', '--no-headers'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => { child.kill(); reject(new Error('no watch event within 20 s')); }, 20_000);
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
    (async () => startSimCluster({ dataDir: join(dir, 'sim'), apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() }))(),
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
  await database.db.insert(sessions).values({ id: sessionId, workflowId: `bench-${sessionId}`, scenarioId: 'bench', systemId: 'demo-app', mode: 'challenge', participantName: 'Bench', tokenHash: 'x', phase: 'running', namespace });
  const gateway = await startGateway({
    db: database.db, logger: pino({ level: 'silent' }), dataDir: dir, host: '127.0.0.1', port: 0, driver,
  });
  stops.push(() => gateway.close());

  const viaGateway = join(dir, 'gateway.kubeconfig');
  writeFileSync(viaGateway, renderKubeconfig({ server: gateway.publicUrl, caData: gateway.caPem, token: await issueKubeCredential(database.db, sessionId, new Date(Date.now() + 3600_000)), user: 'participant', namespace }), { mode: 0o600 });
  const direct = join(dir, 'direct.kubeconfig');
  writeFileSync(direct, renderKubeconfig({ server: kube.server, caData: kube.caData, token: (await driver.sandboxCredentials(sessionId, namespace)).token, user: 'participant', namespace }), { mode: 0o600 });

  for (let waited = 0; !(await run(kubectlPath, ['--kubeconfig', direct, 'get', 'pods', '--no-headers']).then(({ stdout }) => stdout.includes('storefront'))); waited += 1) {
    if (waited > 60) throw new Error('the demo pods did not appear');
    await new Promise((r) => setTimeout(r, 500));
  }
  // Warm both paths (discovery cache, TLS sessions, the gateway's upstream token) before measuring.
  for (let index = 0; index < 3; index += 1) { await timeGetPods(direct); await timeGetPods(viaGateway); }

  console.log(`measuring kubectl get pods ×${N} each way (interleaved, Challenge mode: bodies rewritten)…`);
  const get = { direct: [] as number[], gateway: [] as number[] };
  for (let index = 0; index < N; index += 1) {
    // Alternate which goes first so neither always pays for the other's aftermath.
    if (index % 2 === 0) { get.direct.push(await timeGetPods(direct)); get.gateway.push(await timeGetPods(viaGateway)); }
    else { get.gateway.push(await timeGetPods(viaGateway)); get.direct.push(await timeGetPods(direct)); }
  }
  console.log(`measuring the first event of kubectl get pods -w ×${WATCH_RUNS} each way…`);
  const watch = { direct: [] as number[], gateway: [] as number[] };
  for (let index = 0; index < WATCH_RUNS; index += 1) {
    watch.direct.push(await timeFirstWatchEvent(direct));
    watch.gateway.push(await timeFirstWatchEvent(viaGateway));
  }

  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    getPods: { direct: summary(get.direct), gateway: summary(get.gateway), medianRatio: round((percentile(get.gateway, 50) / percentile(get.direct, 50)) * 100) / 100 },
    watchFirstEvent: { direct: summary(watch.direct), gateway: summary(watch.gateway), medianRatio: round((percentile(watch.gateway, 50) / percentile(watch.direct, 50)) * 100) / 100 },
    goal: 'gateway median ≤ 1.2 × direct median for kubectl get pods',
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'gateway-overhead.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`
                          median    p95      (ms)
  get pods     direct     ${String(result.getPods.direct.medianMs).padStart(6)}  ${String(result.getPods.direct.p95Ms).padStart(6)}
               gateway    ${String(result.getPods.gateway.medianMs).padStart(6)}  ${String(result.getPods.gateway.p95Ms).padStart(6)}   ratio ${result.getPods.medianRatio}×
  get pods -w  direct     ${String(result.watchFirstEvent.direct.medianMs).padStart(6)}  ${String(result.watchFirstEvent.direct.p95Ms).padStart(6)}
  first event  gateway    ${String(result.watchFirstEvent.gateway.medianMs).padStart(6)}  ${String(result.watchFirstEvent.gateway.p95Ms).padStart(6)}   ratio ${result.watchFirstEvent.medianRatio}×
  written to bench/results/gateway-overhead.json`);
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  rmSync(dir, { recursive: true, force: true });
}
