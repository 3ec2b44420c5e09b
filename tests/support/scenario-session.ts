// One library scenario as a participant lives it, through the API: a real session, the fault injected by the
// workflow, the SLA red, the reference solution run with the downloaded kubeconfig (so through the recording
// gateway, with its policy), and the session ending `completed` by itself with the fix in its replay and its
// sandbox gone. Shared by the every-scenario tests (simulated nodes, real node).
import { sandboxNamespace } from '../../cluster/labels.ts';
import type { Harness } from './session-harness.ts';
import { runAsParticipant } from './scenario-runner.ts';
import { createSession, getSession, namespaceExists, participantKubeconfig, waitForPhase } from './session-client.ts';

export interface ScenarioCase {
  id: string;
  systemId: string;
  solution: string[];
}

/** Every scenario of the harness's library, on its first system, with its first reference solution. */
export function scenarioCases(harness: Harness): ScenarioCase[] {
  return [...harness.library.scenarios.values()].map((scenario) => ({
    id: scenario.metadata.name,
    systemId: scenario.spec.systems[0]!,
    solution: scenario.spec.solutions[0]!.commands,
  }));
}

export interface ScenarioTimeouts {
  readyMs: number;
  injectedMs: number;
  redMs: number;
  completedMs: number;
}

const DEFAULT_TIMEOUTS: ScenarioTimeouts = { readyMs: 120_000, injectedMs: 180_000, redMs: 30_000, completedMs: 240_000 };

/** Plays the scenario; throws what went wrong (after abandoning the session). Resolves with its timings (ms). */
export async function playScenarioSession(
  harness: Harness,
  { id, systemId, solution }: ScenarioCase,
  timeouts: Partial<ScenarioTimeouts> = {},
): Promise<Record<'ready' | 'red' | 'completed', number>> {
  const limits = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const { app, kube } = harness;
  const post = (url: string, token: string) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });
  const started = Date.now();
  const { id: sessionId, participantToken: token } = await createSession(app, { scenarioId: id, systemId });
  try {
    await waitForPhase(app, sessionId, token, ['ready'], limits.readyMs);
    const ready = Date.now() - started;
    const kubeconfig = await participantKubeconfig(app, sessionId, token);
    const start = await post(`/api/sessions/${sessionId}/start`, token);
    if (start.statusCode !== 200) throw new Error(`start: ${start.statusCode} ${start.body}`);
    const running = await waitForPhase(app, sessionId, token, ['running', 'failed'], limits.injectedMs);
    if (running.phase !== 'running') throw new Error(`injection failed: ${running.events.at(-1)?.summary}`);
    // The SLA watch reports the breach on its next evaluation.
    const redDeadline = Date.now() + limits.redMs;
    while ((await getSession(app, sessionId, token)).sla.status !== 'red') {
      if (Date.now() > redDeadline) throw new Error(`the SLA never turned red within ${limits.redMs} ms of the fault`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const red = Date.now() - started;
    for (const command of solution) {
      const result = await runAsParticipant(kubeconfig, command);
      if (!result.ok) throw new Error(`solution step failed through the gateway: ${command}\n${result.out}`);
    }
    const done = await waitForPhase(app, sessionId, token, ['completed', 'timed_out', 'failed'], limits.completedMs);
    if (done.phase !== 'completed') throw new Error(`ended ${done.phase}`);
    const result = (
      await app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/result`, headers: { authorization: `Bearer ${token}` } })
    ).json() as {
      replay: { kind: string }[];
    };
    if (!result.replay.some((step) => step.kind === 'kube')) throw new Error('the fix is missing from the replay');
    if (await namespaceExists(kube, sandboxNamespace(sessionId))) throw new Error('sandbox left behind');
    return { ready, red, completed: Date.now() - started };
  } catch (error) {
    await post(`/api/sessions/${sessionId}/abandon`, token).catch(() => undefined);
    throw error;
  }
}

/** Runs `work` for each item, `width` at a time. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await work(next);
    }),
  );
}
