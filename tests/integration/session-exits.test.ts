// Every exit of a session on the real stack (dev server, sim cluster, database): abandon while running,
// nobody pressing Start, time running out, and a fault that cannot be injected. After each, the
// sandbox namespace is gone and the phase the participant sees says why the session ended.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { recordHistory } from '../support/record-history.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, namespaceExists, waitForPhase } from '../support/session-client.ts';

describe('session exits on the real stack', () => {
  const database = inject('databases')[0]!;
  let harness: Harness | undefined;
  const start = (env: Record<string, string> = {}) =>
    startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: inject('kubeconfig'), databaseUrl: database.url, env }).then(
      (started) => (harness = started),
    );
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const post = (app: Harness['app'], url: string, token: string) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });

  async function expectEnded(id: string, token: string, phase: string, history: string) {
    const { app, kube } = harness as Harness;
    const ended = await waitForPhase(app, id, token, [phase], 60_000);
    expect(ended.endedAt).toBeDefined();
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
    recordHistory(inject('temporalAddress'), `session-${id}`, history);
    return ended;
  }

  it('abandoned while running: ends as abandoned and deletes the sandbox', async () => {
    const { app } = await start();
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    expect((await post(app, `/api/sessions/${id}/start`, token)).statusCode).toBe(200);
    await waitForPhase(app, id, token, ['running']);
    expect((await post(app, `/api/sessions/${id}/abandon`, token)).statusCode).toBe(202);
    const ended = await expectEnded(id, token, 'abandoned', 'abandoned-in-running');
    expect(ended.events.map((event) => event.summary)).toContain('You gave up');
  });

  it('never started: times out in ready', async () => {
    const { app } = await start({ FL_READY_TIMEOUT_SECONDS: '3' });
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    const ended = await expectEnded(id, token, 'timed_out', 'timed-out-in-ready');
    expect(ended.startedAt).toBeUndefined();
    expect((await post(app, `/api/sessions/${id}/start`, token)).statusCode).toBe(409);
  });

  it('not repaired in time: times out while running', async () => {
    const { app } = await start({ FL_TIME_LIMIT_SECONDS: '4' });
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    expect((await post(app, `/api/sessions/${id}/start`, token)).statusCode).toBe(200);
    const ended = await expectEnded(id, token, 'timed_out', 'timed-out-running');
    expect(ended.repairedAt).toBeUndefined();
    expect(ended.events.map((event) => event.summary)).toContain('Time is up');
  });

  it('a fault whose target is gone: fails at once (no retries) and still tears down', async () => {
    const { app, kube } = await start();
    const { id, participantToken: token } = await createSession(app);
    const ready = await waitForPhase(app, id, token, ['ready']);
    expect(ready.phase).toBe('ready');
    // Someone deleted the fault's target before Start: retrying cannot help.
    await kube.apps.deleteNamespacedDeployment({ name: 'storefront', namespace: sandboxNamespace(id) });
    const startedAt = Date.now();
    expect((await post(app, `/api/sessions/${id}/start`, token)).statusCode).toBe(200);
    const ended = await expectEnded(id, token, 'failed', 'failed-injection');
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    expect(ended.events.at(-1)?.summary).toMatch(/storefront not found/);
  });
});
