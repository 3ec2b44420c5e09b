// The walking skeleton end to end on real services: a session provisions a sandbox in the simulated
// cluster, the fault breaks the SLA, the participant repairs it with kubectl, and the sandbox is gone.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { recordHistory } from '../support/record-history.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

describe.each(inject('databases'))('session lifecycle on $name', ({ name, url }) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: inject('kubeconfig'), databaseUrl: url });
  });
  afterAll(async () => harness?.close());

  it('provisions, breaks, is repaired with kubectl, scores and tears down', async () => {
    const { app, kube } = harness;
    const { id, participantToken: token } = await createSession(app);
    const ready = await waitForPhase(app, id, token, ['ready']);
    expect(ready.sla.status).toBe('green');
    expect(ready.title).toMatch(/scaled to zero/);

    const kubeconfig = await participantKubeconfig(app, id, token);
    const deployments = await kubectl(kubeconfig, ['get', 'deployments', '-o', 'name']);
    expect(deployments.out).toContain('deployment.apps/storefront');
    const outside = await kubectl(kubeconfig, ['get', 'pods', '-n', 'kube-system']);
    expect(outside.ok).toBe(false);
    expect(outside.out).toMatch(/forbidden/i);

    const start = await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    expect(start.statusCode).toBe(200);
    const again = await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } });
    expect(again.statusCode).toBe(409);

    const running = await waitForPhase(app, id, token, ['running']);
    expect(running.startedAt).toBeDefined();
    const broken = await kubectl(kubeconfig, ['get', 'deployment', 'storefront', '-o', 'jsonpath={.spec.replicas}']);
    expect(broken.out).toBe('0');

    const fix = await kubectl(kubeconfig, ['scale', 'deployment/storefront', '--replicas=2']);
    expect(fix.ok).toBe(true);
    const done = await waitForPhase(app, id, token, ['completed']);
    expect(done.repairedAt).toBeDefined();
    expect(done.events.map((event) => event.summary)).toContain('SLA green and holding: repaired');

    const result = await app.inject({ method: 'GET', url: `/api/sessions/${id}/result`, headers: { authorization: `Bearer ${token}` } });
    expect(result.statusCode).toBe(200);
    expect(result.json().score).toBeGreaterThan(0);
    // The replay lists the participant's fix, reconstructed by the gateway from the recorded request.
    const replay = result.json().replay as { kind: string; summary: string }[];
    expect(replay.filter((step) => step.kind === 'kube').map((step) => step.summary)).toContainEqual(
      expect.stringMatching(/kubectl scale deployment\/storefront.*0→2/),
    );
    // Once repaired, the recording is closed: the kubeconfig no longer works.
    const after = await kubectl(kubeconfig, ['get', 'deployments']);
    expect(after.ok).toBe(false);
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
    if (name === 'pglite') recordHistory(inject('temporalAddress'), `session-${id}`, 'completed-with-repair');
  });

  it('abandoning a ready session ends it and deletes its sandbox', async () => {
    const { app, kube } = harness;
    const { id, participantToken: token } = await createSession(app, {
      mode: 'challenge',
      scenarioId: harness.challengeId('storefront-scaled-to-zero'),
    });
    const ready = await waitForPhase(app, id, token, ['ready']);
    expect(ready.title).toBeUndefined();
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(true);
    const abandon = await app.inject({ method: 'POST', url: `/api/sessions/${id}/abandon`, headers: { authorization: `Bearer ${token}` } });
    expect(abandon.statusCode).toBe(202);
    const ended = await waitForPhase(app, id, token, ['abandoned']);
    expect(ended.endedAt).toBeDefined();
    expect(await namespaceExists(kube, sandboxNamespace(id))).toBe(false);
    const result = await app.inject({ method: 'GET', url: `/api/sessions/${id}/result`, headers: { authorization: `Bearer ${token}` } });
    expect(result.statusCode).toBe(409);
    if (name === 'pglite') recordHistory(inject('temporalAddress'), `session-${id}`, 'abandoned-in-ready');
  });
});
