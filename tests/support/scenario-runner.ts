// Plays a library scenario against a sandbox the way the session workflow will, but in-process: deploy the
// system, walk the step tree, then repair with the reference solution as the participant would.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Kube } from '../../cluster/kube.ts';
import { applyManifests, createSandbox, grantParticipantAccess, issueParticipantToken, parseManifests } from '../../cluster/sandbox.ts';
import { applyFault, faultTookEffect, revertFault } from '../../activities/faults/apply-fault.ts';
import { evaluatePredicate } from '../../activities/oracle/predicates.ts';
import { readSla, type SlaReading } from '../../activities/sla/kube-state.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { renderKubeconfig } from '../../cluster/kubeconfig.ts';
import type { LoadedSystem } from '../../scenarios/lib/load.ts';
import type { Predicate, Scenario, Step } from '../../scenarios/lib/schema.ts';
import { faultSteps } from '../../scenarios/lib/steps.ts';

const run = promisify(execFile);

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

export async function provision(kube: Kube, sessionId: string, system: LoadedSystem): Promise<string> {
  const namespace = await createSandbox(kube, sessionId);
  await applyManifests(kube, sessionId, namespace, parseManifests(system.manifests));
  await grantParticipantAccess(kube, sessionId, namespace);
  return namespace;
}

export async function failingPredicates(kube: Kube, namespace: string, predicates: Predicate[]): Promise<Predicate[]> {
  const results = await Promise.all(predicates.map(async (p) => ((await evaluatePredicate(kube, namespace, p)).ok ? undefined : p)));
  return results.filter((p): p is Predicate => p !== undefined);
}

/** Walks the steps; waits are capped at `maxWaitSeconds` so tests stay fast. */
export async function playSteps(kube: Kube, namespace: string, scenario: Scenario, steps: Step[], maxWaitSeconds = 2): Promise<void> {
  for (const step of steps) {
    if ('fault' in step) {
      await applyFault(kube, namespace, step.fault);
      await waitFor(`${step.fault.type} to take effect`, () => faultTookEffect(kube, namespace, step.fault), 60_000);
    } else if ('serial' in step) {
      await playSteps(kube, namespace, scenario, step.serial, maxWaitSeconds);
    } else if ('parallel' in step) {
      await Promise.all(step.parallel.map((child) => playSteps(kube, namespace, scenario, [child], maxWaitSeconds)));
    } else if ('wait' in step) {
      await sleep(Math.min(step.wait.seconds, maxWaitSeconds) * 1000);
    } else if ('waitUntil' in step) {
      const { condition, timeoutSeconds } = step.waitUntil;
      await waitFor(
        `condition ${JSON.stringify(condition)}`,
        async () => (await evaluatePredicate(kube, namespace, condition)).ok,
        timeoutSeconds * 1000,
      );
    } else {
      const target = faultSteps(scenario.spec.steps).find((candidate) => candidate.id === step.revert.fault);
      if (!target) throw new Error(`revert of unknown step ${step.revert.fault}`);
      await revertFault(kube, namespace, target.fault);
    }
  }
}

/** A kubeconfig for the participant's own identity (namespace-scoped `edit`), as the session hands out. */
export async function participantKubeconfigFile(kube: Kube, namespace: string): Promise<{ path: string; remove: () => void }> {
  const { token } = await issueParticipantToken(kube, namespace, 600);
  const dir = mkdtempSync(join(tmpdir(), 'fl-participant-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, renderKubeconfig({ server: kube.server, caData: kube.caData, token, user: 'participant', namespace }), {
    mode: 0o600,
  });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one solution command in a shell (pipes allowed) with only the participant's kubeconfig. */
export async function runAsParticipant(kubeconfig: string, command: string): Promise<{ ok: boolean; out: string }> {
  const kubectlDir = dirname(requireTool('kubectl'));
  try {
    const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; ${command}`], {
      timeout: 30_000,
      env: { PATH: `${kubectlDir}:/usr/bin:/bin`, KUBECONFIG: kubeconfig, HOME: tmpdir() },
    });
    return { ok: true, out: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
  }
}

export async function slaIs(
  kube: Kube,
  namespace: string,
  system: LoadedSystem,
  status: SlaReading['status'],
): Promise<SlaReading | false> {
  const reading = await readSla(kube, namespace, system.system.spec.objectives);
  return reading.status === status ? reading : false;
}

export interface Exercise {
  baselineGreen: boolean;
  tookEffect: boolean;
  slaRedAfterFault: boolean;
  oracleFailingAfterFault: number;
  solutionOutputs: { command: string; ok: boolean; out: string }[];
  repaired: boolean;
  failingAtEnd: Predicate[];
  timings: Record<string, number>;
}

/**
 * The library's own guarantee for one scenario on one system: healthy baseline, the steps break the SLA and
 * the oracle, and the first reference solution repairs both within `repairTimeoutMs`.
 */
export async function exerciseScenario(
  kube: Kube,
  system: LoadedSystem,
  scenario: Scenario,
  sessionId: string,
  repairTimeoutMs = 60_000,
): Promise<{ namespace: string; result: Exercise }> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - start;
    }
  };
  const namespace = await timed('provision', () => provision(kube, sessionId, system));
  const result: Exercise = {
    baselineGreen: false,
    tookEffect: false,
    slaRedAfterFault: false,
    oracleFailingAfterFault: 0,
    solutionOutputs: [],
    repaired: false,
    failingAtEnd: [],
    timings,
  };
  result.baselineGreen = await timed('baseline', () =>
    waitFor('baseline SLA green', () => slaIs(kube, namespace, system, 'green'), 60_000).then(
      () => true,
      () => false,
    ),
  );
  if (!result.baselineGreen) return { namespace, result };
  result.tookEffect = await timed('inject', () =>
    playSteps(kube, namespace, scenario, scenario.spec.steps).then(
      () => true,
      (error: Error) => {
        result.solutionOutputs.push({ command: '(steps)', ok: false, out: error.message });
        return false;
      },
    ),
  );
  if (!result.tookEffect) return { namespace, result };
  // A fault that acts through a controller (a rollout under a too-small quota) waits on the controller-manager,
  // which takes its time on a loaded machine: the bound is generous, a red SLA is what is asserted.
  result.slaRedAfterFault = await timed('red', () =>
    waitFor('SLA red', () => slaIs(kube, namespace, system, 'red'), 60_000).then(
      () => true,
      () => false,
    ),
  );
  result.oracleFailingAfterFault = (await failingPredicates(kube, namespace, scenario.spec.oracle.predicates)).length;
  const kubeconfig = await participantKubeconfigFile(kube, namespace);
  try {
    await timed('solve', async () => {
      for (const command of scenario.spec.solutions[0]!.commands) {
        result.solutionOutputs.push({ command, ...(await runAsParticipant(kubeconfig.path, command)) });
      }
    });
  } finally {
    kubeconfig.remove();
  }
  result.repaired = await timed('repair', () =>
    waitFor(
      'oracle and SLA green',
      async () => {
        const green = await slaIs(kube, namespace, system, 'green');
        return green && (await failingPredicates(kube, namespace, scenario.spec.oracle.predicates)).length === 0;
      },
      repairTimeoutMs,
    ).then(
      () => true,
      () => false,
    ),
  );
  if (!result.repaired) result.failingAtEnd = await failingPredicates(kube, namespace, scenario.spec.oracle.predicates);
  return { namespace, result };
}
