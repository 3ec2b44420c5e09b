// Sessions on the real node (infra/real-node): the benchmarks of issues #16 and #17 that need real pods.
//   ready:       create → `ready` per system, one session at a time; baseline, interleaved: the same manifests
//                applied directly (`kubectl apply`, every Deployment Ready).
//   usage:       each ready session's pods' resident memory and its load generator's CPU (cgroups).
//   detection:   the session started: fault → SLA red, and the reference fix → SLA green (the journeys SLA).
//   concurrency: N sessions at once (2, 4, 6, …) until one is not ready in time or one reading is not green.
// The real node joins the run's sim cluster under the machine's real-node lock; sessions run through an
// in-process API and worker (tests/support/session-harness.ts) whose driver sends every sandbox to it.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sandboxNamespace } from '../cluster/labels.ts';
import type { Kube } from '../cluster/kube.ts';
import { statusOf } from '../cluster/kube.ts';
import { compositeProvider } from '../activities/sla/composite.ts';
import { journeyProvider } from '../activities/sla/journeys.ts';
import { kubeStateProvider } from '../activities/sla/kube-state.ts';
import { readSeries } from '../activities/sla/samples.ts';
import { isTerminalPhase, TERMINAL_PHASES } from '../domain/session-terms.ts';
import type { Library } from '../scenarios/lib/load.ts';
import type { Objective } from '../scenarios/lib/schema.ts';
import { startHarness, type Harness } from '../tests/support/session-harness.ts';
import { createSession, getSession, kubectl, participantKubeconfig, waitForPhase } from '../tests/support/session-client.ts';
import { runAsParticipant } from '../tests/support/scenario-runner.ts';
import { startTestRealNode } from '../tests/support/real-node.ts';
import { placementMetadata } from '../cluster/placement.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { deploymentsReady, sandboxUsage, type SandboxUsage } from './lib/pod-cgroups.ts';
import { takeRealNodeLock } from './lib/real-node-lock.ts';
import { metric, type Metric } from './lib/result.ts';

/** The systems measured and the scenario each one's detection rounds play (multi-cloud needs two node pools). */
const SYSTEMS = [
  { systemId: 'demo-app', scenarioId: 'storefront-scaled-to-zero' },
  { systemId: 'travel-logic', scenarioId: 'hotels-selector-typo' },
] as const;
const SLA_POLL_SECONDS = 2;
const READY_TIMEOUT_MS = 180_000;
/** Concurrency: how long every session's SLA must read green once all are ready, and how often it is read. */
const HOLD_SECONDS = 30;
const HOLD_POLL_MS = 2000;
/** Concurrency levels stop at the first that fails, or when the next would start after this much of the run. */
const CONCURRENCY_BUDGET_MS = 6 * 60_000;

interface Session {
  id: string;
  token: string;
  systemId: string;
  scenarioId: string;
  namespace: string;
}

export const benchmark: Benchmark = {
  name: 'real-sessions',
  title: 'Sessions on the real node',
  description:
    "Sessions whose pods really run on the real node (kubelet, containerd, the systems' images), through an in-process " +
    'API and worker (the test harness, its sandboxes placed on the real node by the `sim` driver: FL_SANDBOX_PLACEMENT=real), SLA provider `auto` (the journeys of the ' +
    `load generator: success rate and p95 over a 10 s window), SLA poll ${SLA_POLL_SECONDS} s. Ready: one session at a time per ` +
    'system, from `POST /api/sessions` until the API reports `ready` (polled every 250 ms); "pods Ready" is when every ' +
    "Deployment of the sandbox (the load generator's included) had all replicas Ready, polled every 250 ms. Baseline, " +
    "interleaved: the system's same manifests applied directly with `kubectl apply` into a namespace sent to the real node, " +
    "timed until every Deployment is Ready. Usage, 10 s after `ready`: the resident memory (`total_rss` of each pod's memory " +
    "cgroup, all its containers) of the system's pods and of the load generator, and the load generator's CPU over those 10 s " +
    '(cpuacct). Detection: the session is started; fault → red is from the engine\'s "Fault injected" event (recorded once ' +
    'the cluster shows the fault took effect) to the first red SLA reading in the series (sla_samples); fix → green from the ' +
    "reference solution's last kubectl (through the gateway) returning to the first green reading. Concurrency: N sessions " +
    `(the systems alternating) created at once; once all are ready, each one's SLA (the engine's journeys provider) is read ` +
    `every ${HOLD_POLL_MS / 1000} s for ${HOLD_SECONDS} s; a level passes when all were ready within ${READY_TIMEOUT_MS / 1000} s ` +
    'and every reading was green. Levels step up by 2 and stop at the first that fails.',
  async run({ quick, infra, library, workDir, log }) {
    // BENCH_REAL_ROUNDS / BENCH_REAL_LEVELS (e.g. "2,4", or "" for none) override the defaults, for a shorter run.
    const rounds = Number(process.env.BENCH_REAL_ROUNDS ?? (quick ? 1 : 3));
    const levels = (process.env.BENCH_REAL_LEVELS ?? (quick ? '2' : '2,4,6,8,10')).split(',').filter(Boolean).map(Number);
    const lock = await takeRealNodeLock(log);
    const notes: string[] = [];
    if (lock.waitedSeconds > 5) notes.push(`Waited ${lock.waitedSeconds.toFixed(0)} s for the real-node lock (other runs held it).`);
    try {
      log('starting the real node');
      const node = await startTestRealNode(infra.kubeconfig);
      notes.push(`Real node Ready ${node.readySeconds.toFixed(1)} s after its start, cluster DNS ${node.dnsReadySeconds.toFixed(1)} s.`);
      let harness: Harness | undefined;
      try {
        harness = await startHarness({
          temporalAddress: infra.temporalAddress,
          kubeconfig: infra.kubeconfig,
          databaseUrl: infra.databaseUrl,
          env: {
            FL_SESSION_CREATE_LIMIT: '1000',
            FL_SLA_POLL_SECONDS: String(SLA_POLL_SECONDS),
            SLA_PROVIDER: 'auto',
            FL_SANDBOX_PLACEMENT: 'real',
          },
        });
        const metrics: Metric[] = [];
        for (const { systemId, scenarioId } of SYSTEMS) {
          const measured = await measureSystem(harness, library, {
            systemId,
            scenarioId,
            rounds,
            workDir,
            kubeconfig: infra.kubeconfig,
            log,
          });
          metrics.push(...measured.metrics);
          notes.push(...measured.failures.map((failure) => `Failed: ${failure}`));
        }
        const concurrency = await measureConcurrency(harness, library, levels, log);
        metrics.push(...concurrency.metrics);
        notes.push(...concurrency.notes);
        return {
          params: {
            roundsPerSystem: rounds,
            systems: SYSTEMS.map((s) => s.systemId).join(','),
            slaPollSeconds: SLA_POLL_SECONDS,
            journeyWindowSeconds: 10,
            holdSeconds: HOLD_SECONDS,
            levels: levels.join(','),
          },
          metrics,
          notes: [
            ...notes,
            'multi-cloud is not measured: inventory-a and inventory-b are pinned to two node pools and there is one real node.',
            'Detection window: the journeys SLA judges each journey over the last 10 s of runs (≥ 95 % success, p95 bound), so ' +
              'after a fix the failed runs must leave the window before it reads green; up to one SLA poll (2 s) is waiting for the next reading.',
            'Other builds and test runs share this 2-core machine: the load average at the start is above; every time here includes their contention.',
          ],
        };
      } finally {
        await harness?.close();
        await node.stop();
      }
    } finally {
      await lock.release();
    }
  },
};

async function measureSystem(
  harness: Harness,
  library: Library,
  options: { systemId: string; scenarioId: string; rounds: number; workDir: string; kubeconfig: string; log: (m: string) => void },
): Promise<{ metrics: Metric[]; failures: string[] }> {
  const { systemId, scenarioId, rounds, workDir, kubeconfig, log } = options;
  const system = library.systems.get(systemId);
  const scenario = library.scenarios.get(scenarioId);
  if (!system || !scenario) throw new Error(`${systemId}/${scenarioId} is not in the library`);
  const manifestsFile = join(workDir, `${systemId}.yaml`);
  writeFileSync(manifestsFile, system.manifests);
  const solution = scenario.spec.solutions[0]!.commands;
  const ready: number[] = [];
  const podsReady: number[] = [];
  const direct: number[] = [];
  const usage: SandboxUsage[] = [];
  const toRed: number[] = [];
  const toGreen: number[] = [];
  const failures: string[] = [];
  // Round 0 warms up both sides (the images' first start from containerd's store, module loading) and is not counted.
  for (let round = 0; round <= rounds; round += 1) {
    const counted = round > 0;
    // A round that fails is told in the notes and the next one runs: one bad round must not lose the others.
    const outcome = await sessionRound(harness, { systemId, scenarioId, solution, measureUsage: counted }).catch((error: unknown) => {
      failures.push(`${systemId} round ${round}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    const directMs = await directRound(harness.kube, kubeconfig, manifestsFile).catch((error: unknown) => {
      failures.push(`${systemId} round ${round}, kubectl apply: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (!counted) continue;
    if (directMs !== undefined) direct.push(directMs);
    if (!outcome) continue;
    ready.push(outcome.readyMs);
    podsReady.push(outcome.podsReadyMs);
    if (outcome.usage) usage.push(outcome.usage);
    if (outcome.faultToRedMs !== undefined) toRed.push(outcome.faultToRedMs);
    if (outcome.fixToGreenMs !== undefined) toGreen.push(outcome.fixToGreenMs);
    if (outcome.greenBeforeFix)
      failures.push(`${systemId} round ${round}: the SLA read green again before the fix; fix → green not counted`);
    const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
    log(
      `${systemId} round ${round}/${rounds}: ready ${s(outcome.readyMs)} (pods Ready ${s(outcome.podsReadyMs)}), direct ${s(directMs)}, ` +
        `fault → red ${s(outcome.faultToRedMs)}, fix → green ${s(outcome.fixToGreenMs)}`,
    );
  }
  const of = (name: string) => `${systemId}: ${name}`;
  const metrics = [
    ready.length > 0 &&
      metric(of('session ready (create → ready)'), 's', ready.map(seconds), {
        baseline: { label: 'kubectl apply, all Ready', samples: direct.map(seconds) },
        goal: { stat: 'p95', max: 10 },
      }),
    podsReady.length > 0 && metric(of('create → sandbox pods all Ready'), 's', podsReady.map(seconds)),
    usage.length > 0 &&
      metric(
        of('RSS of the system (all its pods)'),
        'MiB',
        usage.map((u) => u.systemRssMiB),
      ),
    usage.length > 0 &&
      metric(
        of('RSS of the load generator'),
        'MiB',
        usage.map((u) => u.loadGeneratorRssMiB),
      ),
    usage.length > 0 &&
      metric(
        of('load generator CPU'),
        '%',
        usage.map((u) => u.loadGeneratorCpuPercent),
      ),
    toRed.length > 0 && metric(of(`fault → SLA red (${scenarioId})`), 's', toRed.map(seconds), { goal: { stat: 'p95', max: 10 } }),
    toGreen.length > 0 && metric(of('fix → SLA green'), 's', toGreen.map(seconds), { goal: { stat: 'p95', max: 10 } }),
  ].filter((m): m is Metric => m !== false);
  return { metrics, failures };
}

const seconds = (ms: number) => ms / 1000;

/** One session: ready, usage, started, fault → red, fix → green; abandoned (and torn down) before it returns. */
async function sessionRound(
  harness: Harness,
  { systemId, scenarioId, solution, measureUsage }: { systemId: string; scenarioId: string; solution: string[]; measureUsage: boolean },
): Promise<{
  readyMs: number;
  podsReadyMs: number;
  usage?: SandboxUsage;
  faultToRedMs?: number;
  fixToGreenMs?: number;
  greenBeforeFix?: boolean;
}> {
  const { app, kube, database } = harness;
  const started = Date.now();
  const session = await create(harness, systemId, scenarioId);
  try {
    let podsReadyAt: number | undefined;
    let watching = true;
    const watcher = (async () => {
      while (watching && podsReadyAt === undefined) {
        if (await deploymentsReady(kube, session.namespace).catch(() => false)) podsReadyAt = Date.now();
        else await sleep(250);
      }
    })();
    await waitForPhase(app, session.id, session.token, ['ready'], READY_TIMEOUT_MS);
    const readyAt = Date.now();
    watching = false;
    await watcher;
    const usage = measureUsage ? await sandboxUsage(kube, session.namespace, 10_000) : undefined;

    const kubeconfig = await participantKubeconfig(app, session.id, session.token);
    const start = await app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/start`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    if (start.statusCode !== 200) throw new Error(`start: ${start.statusCode} ${start.body}`);
    const running = await waitForPhase(app, session.id, session.token, ['running', 'failed'], READY_TIMEOUT_MS);
    if (running.phase !== 'running') throw new Error(`injection failed: ${running.events.at(-1)?.summary}`);
    const injected = running.events.find((event) => event.summary === 'Fault injected');
    if (!injected) throw new Error('no "Fault injected" event');
    const injectedAt = Date.parse(injected.at);
    const redAt = await firstReading(database.db, session.id, 'red', injectedAt, 60_000);
    for (const command of solution) {
      const result = await runAsParticipant(kubeconfig, command);
      if (!result.ok) throw new Error(`solution step failed through the gateway: ${command}\n${result.out}`);
    }
    const fixedAt = Date.now();
    // Timed only from an SLA still not green when the fix landed (else the fix did not make it green).
    const before = (await readSeries(database.db, session.id)).filter((sample) => sample.at.getTime() < fixedAt).at(-1);
    const greenBeforeFix = before?.status === 'green';
    const greenAt = greenBeforeFix ? undefined : await firstReading(database.db, session.id, 'green', fixedAt, 120_000);
    return {
      readyMs: readyAt - started,
      podsReadyMs: (podsReadyAt ?? readyAt) - started,
      ...(usage ? { usage } : {}),
      faultToRedMs: redAt - injectedAt,
      ...(greenAt === undefined ? { greenBeforeFix } : { fixToGreenMs: greenAt - fixedAt }),
    };
  } finally {
    await endAll(harness, [session]);
  }
}

/** When the session's SLA series first read `status` at or after `since` (epoch ms); polls the series. */
async function firstReading(db: Harness['database']['db'], sessionId: string, status: string, since: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (await readSeries(db, sessionId)).find((sample) => sample.status === status && sample.at.getTime() >= since);
    if (row) return row.at.getTime();
    if (Date.now() > deadline) throw new Error(`session ${sessionId}: SLA not ${status} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function create(harness: Harness, systemId: string, scenarioId: string): Promise<Session> {
  const { id, participantToken } = await createSession(harness.app, { scenarioId, systemId });
  return { id, token: participantToken, systemId, scenarioId, namespace: sandboxNamespace(id) };
}

/** Abandons the sessions still going and waits until each has ended (its sandbox torn down first). */
async function endAll(harness: Harness, sessions: Session[]): Promise<void> {
  await Promise.all(
    sessions.map(async (session) => {
      const current = await getSession(harness.app, session.id, session.token).catch(() => undefined);
      if (current && !isTerminalPhase(current.phase)) {
        await harness.app.inject({
          method: 'POST',
          url: `/api/sessions/${session.id}/abandon`,
          headers: { authorization: `Bearer ${session.token}` },
        });
      }
      await waitForPhase(harness.app, session.id, session.token, [...TERMINAL_PHASES], 240_000).catch(() => undefined);
    }),
  );
}

/** The baseline: the system's manifests applied with kubectl into a namespace sent to the real node; ms until all Ready. */
async function directRound(kube: Kube, kubeconfig: string, manifestsFile: string): Promise<number> {
  const namespace = `fl-bench-direct-${randomUUID().slice(0, 8)}`;
  const started = Date.now();
  await kube.core.createNamespace({
    body: { metadata: { name: namespace, ...placementMetadata('real') } },
  });
  try {
    const applied = await kubectl(kubeconfig, ['apply', '-n', namespace, '-f', manifestsFile]);
    if (!applied.ok) throw new Error(`kubectl apply: ${applied.out}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await deploymentsReady(kube, namespace))) {
      if (Date.now() > deadline) throw new Error(`${namespace}: not all Deployments Ready within ${READY_TIMEOUT_MS} ms`);
      await sleep(250);
    }
    return Date.now() - started;
  } finally {
    await kube.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const gone = await kube.core.readNamespace({ name: namespace }).then(
        () => false,
        (error: unknown) => statusOf(error) === 404,
      );
      if (gone) break;
      await sleep(500);
    }
  }
}

async function measureConcurrency(
  harness: Harness,
  library: Library,
  levels: number[],
  log: (message: string) => void,
): Promise<{ metrics: Metric[]; notes: string[] }> {
  const started = Date.now();
  const objectivesOf = (systemId: string): Objective[] => library.systems.get(systemId)?.system.spec.objectives ?? [];
  const sla = compositeProvider(journeyProvider(harness.kube), (o: Objective) => o.journey !== undefined, kubeStateProvider(harness.kube));
  const metrics: Metric[] = [];
  const notes: string[] = [];
  let held = 0;
  for (const n of levels) {
    if (Date.now() - started > CONCURRENCY_BUDGET_MS) {
      notes.push(`Concurrency: stopped before N=${n}, the ${CONCURRENCY_BUDGET_MS / 60_000} min budget of this part was spent.`);
      break;
    }
    const levelStarted = Date.now();
    const sessions = await Promise.all(
      Array.from({ length: n }, (_, i) => SYSTEMS[i % SYSTEMS.length]!).map((s) => create(harness, s.systemId, s.scenarioId)),
    );
    let failure: string | undefined;
    try {
      const readyAt: number[] = [];
      const outcomes = await Promise.allSettled(
        sessions.map(async (session) => {
          await waitForPhase(harness.app, session.id, session.token, ['ready'], READY_TIMEOUT_MS);
          readyAt.push(Date.now() - levelStarted);
        }),
      );
      const notReady = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      if (notReady > 0) failure = `${notReady} of ${n} not ready within ${READY_TIMEOUT_MS / 1000} s`;
      else {
        let readings = 0;
        const notGreen: string[] = [];
        const holdEnd = Date.now() + HOLD_SECONDS * 1000;
        const targets = sessions.map((s) => ({ sessionId: s.id, namespace: s.namespace, objectives: objectivesOf(s.systemId) }));
        while (Date.now() < holdEnd) {
          const round = await sla.evaluate(targets);
          for (const [sessionId, reading] of round) {
            readings += 1;
            if (reading.status !== 'green') {
              const failing = reading.objectives.filter((o) => o.status !== 'green').map((o) => `${o.name} ${o.status}`);
              notGreen.push(`${sessionId.slice(0, 8)}: ${failing.join(', ')}`);
            }
          }
          await sleep(HOLD_POLL_MS);
        }
        const rss = await Promise.all(sessions.map((s) => sandboxUsage(harness.kube, s.namespace, 0)));
        const perSession = rss.map((u) => u.systemRssMiB + u.loadGeneratorRssMiB);
        metrics.push(
          metric(
            `N=${n}: time until each session is ready`,
            's',
            readyAt.map((ms) => ms / 1000),
          ),
        );
        metrics.push(metric(`N=${n}: RSS per running session (system + load generator)`, 'MiB', perSession));
        metrics.push(metric(`N=${n}: SLA readings not green during the ${HOLD_SECONDS} s hold`, '', [notGreen.length]));
        if (notGreen.length > 0) failure = `${notGreen.length} of ${readings} readings not green (${notGreen.slice(0, 3).join('; ')})`;
      }
    } finally {
      await endAll(harness, sessions);
    }
    log(`concurrency N=${n}: ${failure ?? 'every session ready and green'} (${((Date.now() - levelStarted) / 1000).toFixed(0)} s)`);
    if (failure) {
      notes.push(`Concurrency: N=${n} failed: ${failure}.`);
      break;
    }
    held = n;
  }
  if (levels.length > 0)
    metrics.push(metric('concurrent real sessions held with every SLA green', 'sessions', [held], { goal: { stat: 'median', min: 8 } }));
  return { metrics, notes };
}
