// The SLA as users feel it, on the real node: the engine's load generator (services/load-generator from the
// node-services image) plays a fixture system's journey with real requests; the auto SLA provider reads its
// results through the API server's service proxy. A healthy sandbox is green from real requests, a fault is red
// from real failures, and a load generator deleted or scaled to 0 during the session reads unknown, never
// green, so the session is not declared repaired. Also measures the load generator's CPU and memory.
// Needs root, infra/real-node/setup.sh and the node-services image; run under `flock /tmp/fl-real-node.lock`.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import { createSlaProvider } from '../../activities/sla/providers.ts';
import { watch, type WatchInput } from '../../activities/sla/watch.ts';
import type { SlaReading } from '../../activities/sla/types.ts';
import { connectKube, type Kube } from '../../cluster/kube.ts';
import { LOAD_GENERATOR_NAME } from '../../cluster/labels.ts';
import { loadGeneratorObjects } from '../../cluster/load-generator.ts';
import { applyManifests, createSandbox, deleteSandbox } from '../../cluster/sandbox.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { startTestRealNode } from '../support/real-node.ts';
import { greeterDeployment, greeterService, greeterSystem } from '../support/greeter.ts';
import { insertSessionRow } from '../support/session-row.ts';

const system = greeterSystem;
const manifests = [greeterDeployment(), greeterService] as unknown as KubernetesObject[];

const objectives = system.spec.objectives;
const measured: Record<string, number | string> = {};

describe('load generator on the real node', () => {
  let database: DatabaseHandle;
  let kube: Kube;
  let node: RealNode | undefined;
  let evaluator: SlaEvaluator;
  let sessionId: string;
  let namespace: string;

  const reading = (): Promise<SlaReading> => evaluator.next({ sessionId, namespace, objectives });
  const run = (until: WatchInput['until'], holdSeconds: number, signal = new AbortController().signal) =>
    watch(
      { sessionId, namespace, until, holdSeconds },
      {
        db: database.db,
        evaluator,
        objectives,
        oracleHolds: async () => true,
        resumed: undefined,
        heartbeat: () => {},
        signal,
      },
    );
  const scale = async (name: string, replicas: number) => {
    await kube.apps.replaceNamespacedDeploymentScale({ name, namespace, body: { metadata: { name, namespace }, spec: { replicas } } });
  };
  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    const admin = inject('kubeconfig');
    database = openDatabase(inject('databases')[0]!.url);
    kube = connectKube(admin);
    node = await startTestRealNode(admin);
    evaluator = new SlaEvaluator(createSlaProvider(loadConfig({ SLA_PROVIDER: 'auto' }).sla, kube), 1000);
    sessionId = await insertSessionRow(database.db, 'Load Lou');
    // What the sim driver does with FL_SANDBOX_PLACEMENT=real: every pod of the namespace goes to the real node.
    namespace = await createSandbox(kube, sessionId, { placement: 'real' });
    await applyManifests(kube, sessionId, namespace, [...manifests, ...loadGeneratorObjects(system)]);
  }, 240_000);

  afterAll(async () => {
    evaluator?.close();
    if (kube && sessionId) await until('sandbox deleted', async () => ((await deleteSandbox(kube, sessionId)) ? true : undefined), 120_000);
    await node?.stop();
    await database?.close();
    console.log(`load generator on the real node: ${JSON.stringify(measured)}`);
  }, 180_000);

  it('reads green from real requests once the journey runs, and names what users felt', async () => {
    const started = Date.now();
    expect((await run('green', 0)).status).toBe('green');
    measured.firstGreenSeconds = (Date.now() - started) / 1000;
    const green = await reading();
    expect(green.status).toBe('green');
    const [objective] = green.objectives;
    expect(objective).toMatchObject({ name: 'readers-read', status: 'green', value: 1 });
    expect(objective!.slis!.requests).toBeGreaterThanOrEqual(10);
    expect(objective!.slis!.p95Ms).toBeLessThan(500);
    const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${LOAD_GENERATOR_NAME}` });
    expect(pods.items[0]?.spec?.nodeName).toBe(node!.name);
  }, 150_000);

  it("costs little: the load generator's CPU and memory over 10 s of play", async () => {
    const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${LOAD_GENERATOR_NAME}` });
    const usage = podUsage(pods.items[0]!.metadata!.uid!);
    const before = usage().cpuNs;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    // CPU ns per wall ms / 1000 = millicores.
    const millicores = (usage().cpuNs - before) / 1000 / (performance.now() - t0);
    const memoryMiB = usage().workingSetBytes / 2 ** 20;
    Object.assign(measured, { cpuMillicores: Math.round(millicores * 10) / 10, memoryMiB: Math.round(memoryMiB * 10) / 10 });
    expect(millicores).toBeLessThan(100);
    expect(memoryMiB).toBeLessThan(128);
  }, 30_000);

  it('turns red from real failures when the service goes, and green again after the fix', async () => {
    const faultAt = Date.now();
    await scale('web', 0);
    expect((await run('red', 0)).status).toBe('red');
    measured.faultToRedSeconds = (Date.now() - faultAt) / 1000;
    const red = await reading();
    expect(red.objectives[0]!.slis!.successRate).toBeLessThan(0.95);
    const fixedAt = Date.now();
    await scale('web', 1);
    expect((await run('repaired', 0)).status).toBe('green');
    measured.fixToGreenSeconds = (Date.now() - fixedAt) / 1000;
  }, 120_000);

  it('reads unknown, never green, and does not declare the session repaired while the load generator is deleted', async () => {
    await kube.apps.deleteNamespacedDeployment({ name: LOAD_GENERATOR_NAME, namespace, gracePeriodSeconds: 0 });
    const gone = await until(
      'unknown after the load generator was deleted',
      async () => {
        const r = await reading();
        return r.status === 'unknown' ? r : undefined;
      },
      30_000,
    );
    expect(gone.objectives[0]!.description).toMatch(/load generator/);
    // A session waiting for its repair with everything else healthy: it is not declared repaired.
    const abort = new AbortController();
    const repaired = run('repaired', 0, abort.signal).then(
      (r) => r.status,
      () => 'still waiting',
    );
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect((await reading()).status).toBe('unknown');
    abort.abort();
    expect(await repaired).toBe('still waiting');
  }, 90_000);

  it('reads unknown when the load generator is scaled to 0, and green again once it runs', async () => {
    await applyManifests(kube, sessionId, namespace, loadGeneratorObjects(system));
    expect((await run('green', 0)).status).toBe('green');
    await scale(LOAD_GENERATOR_NAME, 0);
    await until(
      'unknown after scaling the load generator to 0',
      async () => ((await reading()).status === 'unknown' ? true : undefined),
      30_000,
    );
    const abort = new AbortController();
    const repaired = run('repaired', 0, abort.signal).then(
      (r) => r.status,
      () => 'still waiting',
    );
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    abort.abort();
    expect(await repaired).toBe('still waiting');
  }, 150_000);
});

/** A pod's CPU time (ns) and working-set memory (bytes), from its cgroup: v1 (this machine's) or v2, cgroupfs or systemd names. */
function podUsage(uid: string): () => { cpuNs: number; workingSetBytes: number } {
  const names = [`pod${uid}`, `pod${uid.replaceAll('-', '_')}`];
  const find = (dir: string, depth: number): string | undefined => {
    if (!existsSync(dir)) return undefined;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (names.some((name) => entry.name === name || entry.name.includes(`-${name}.slice`))) return path;
      if (depth > 0 && /kubepods|burstable|besteffort/.test(entry.name)) {
        const found = find(path, depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  const root = '/sys/fs/cgroup';
  const stat = (file: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
  const v2 = find(root, 3);
  if (v2 && existsSync(join(v2, 'cpu.stat'))) {
    return () => ({
      cpuNs: stat(join(v2, 'cpu.stat'), 'usage_usec') * 1000,
      workingSetBytes: Number(readFileSync(join(v2, 'memory.current'), 'utf8')) - stat(join(v2, 'memory.stat'), 'inactive_file'),
    });
  }
  const cpu = ['cpu,cpuacct', 'cpuacct'].map((c) => find(join(root, c), 3)).find(Boolean);
  const memory = find(join(root, 'memory'), 3);
  if (!cpu || !memory) throw new Error(`no cgroup for pod ${uid} under ${root}`);
  return () => ({
    cpuNs: Number(readFileSync(join(cpu, 'cpuacct.usage'), 'utf8')),
    workingSetBytes:
      Number(readFileSync(join(memory, 'memory.usage_in_bytes'), 'utf8')) - stat(join(memory, 'memory.stat'), 'total_inactive_file'),
  });
}
