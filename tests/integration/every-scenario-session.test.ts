// Every scenario as a participant lives it: a real session through the API, the fault injected by the
// workflow's step interpreter, the SLA red, the reference solution run with the downloaded kubeconfig
// (so through the recording gateway, with its policy), and the session ending `completed` by itself with
// the fix in its replay. A scenario whose solution does not repair it through the gateway fails the build.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { runAsParticipant } from '../support/scenario-runner.ts';
import { createSession, getSession, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

describe('every scenario, end to end through the gateway', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
      env: { FL_SESSION_CREATE_LIMIT: '1000' },
    });
  });
  afterAll(async () => harness?.close());

  const cases = () =>
    [...harness.library.scenarios.values()].map((scenario) => ({
      id: scenario.metadata.name,
      systemId: scenario.spec.systems[0]!,
      solution: scenario.spec.solutions[0]!.commands,
    }));

  it('runs each scenario to completed with its reference solution', { timeout: 1_200_000 }, async () => {
    const { app, kube } = harness;
    const failures: string[] = [];
    const runOne = async ({ id, systemId, solution }: ReturnType<typeof cases>[number]) => {
      const post = (url: string, token: string) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });
      const { id: sessionId, participantToken: token } = await createSession(app, { scenarioId: id, systemId });
      try {
        await waitForPhase(app, sessionId, token, ['ready'], 120_000);
        const kubeconfig = await participantKubeconfig(app, sessionId, token);
        expect((await post(`/api/sessions/${sessionId}/start`, token)).statusCode).toBe(200);
        const running = await waitForPhase(app, sessionId, token, ['running', 'failed'], 180_000);
        if (running.phase !== 'running') throw new Error(`injection failed: ${running.events.at(-1)?.summary}`);
        // The SLA watch reports the breach on its next evaluation.
        for (let i = 0; (await getSession(app, sessionId, token)).sla.status !== 'red'; i += 1) {
          if (i > 60) throw new Error('the SLA never turned red after the fault');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        for (const command of solution) {
          const result = await runAsParticipant(kubeconfig, command);
          if (!result.ok) throw new Error(`solution step failed through the gateway: ${command}\n${result.out}`);
        }
        const done = await waitForPhase(app, sessionId, token, ['completed', 'timed_out', 'failed'], 240_000);
        if (done.phase !== 'completed') throw new Error(`ended ${done.phase}`);
        const result = (
          await app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/result`, headers: { authorization: `Bearer ${token}` } })
        ).json() as { replay: { kind: string }[] };
        if (!result.replay.some((step) => step.kind === 'kube')) throw new Error('the fix is missing from the replay');
        if (await namespaceExists(kube, sandboxNamespace(sessionId))) throw new Error('sandbox left behind');
      } catch (error) {
        failures.push(`${id} on ${systemId}: ${(error as Error).message}`);
        await post(`/api/sessions/${sessionId}/abandon`, token).catch(() => undefined);
      }
    };
    // A few at a time: the fake nodes and this machine are shared by every session.
    const queue = cases();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
      }),
    );
    expect(failures).toEqual([]);
  });
});
