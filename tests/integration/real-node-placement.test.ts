// A session on the real node through the driver path, as `infra/up.sh` runs it when it started the real node: the
// harness's sim driver with FL_SANDBOX_PLACEMENT=real (no test wrapper), so the whole system and its load generator
// run real containers there. In Challenge mode the participant sees the system's pods and events, and nothing of
// the load generator (the measurement) although its events are in the namespace. Needs root and
// infra/real-node/setup.sh; run under `flock /tmp/fl-real-node.lock` like the other real-node tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_GENERATOR_NAME, sandboxNamespace } from '../../cluster/labels.ts';
import { REAL_NODE_NAME } from '../../infra/real-node/config.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import type { Harness } from '../support/session-harness.ts';
import { createSession, kubectl, namespaceExists, participantKubeconfig, waitForPhase } from '../support/session-client.ts';
import { startRealNodeHarness } from '../support/real-node.ts';

const SCENARIO = 'storefront-scaled-to-zero';

describe('sandboxes placed on the real node by the driver', () => {
  let harness: Harness;
  let node: RealNode | undefined;
  let session: { id: string; token: string; namespace: string; kubeconfig: string } | undefined;

  beforeAll(async () => {
    [harness, node] = await startRealNodeHarness();
  }, 240_000);

  afterAll(async () => {
    if (session) {
      await harness.app.inject({
        method: 'POST',
        url: `/api/sessions/${session.id}/abandon`,
        headers: { authorization: `Bearer ${session.token}` },
      });
      await waitForPhase(harness.app, session.id, session.token, ['abandoned'], 180_000).catch(() => {});
    }
    await harness?.close();
    await node?.stop();
  }, 300_000);

  it('runs a Challenge session whose every pod is on the real node, load generator included', async () => {
    const started = Date.now();
    const { id, participantToken: token } = await createSession(harness.app, {
      mode: 'challenge',
      scenarioId: harness.challengeId(SCENARIO),
    });
    await waitForPhase(harness.app, id, token, ['ready'], 180_000);
    session = { id, token, namespace: sandboxNamespace(id), kubeconfig: await participantKubeconfig(harness.app, id, token) };
    console.log(`real node placement: session ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const pods = (await harness.kube.core.listNamespacedPod({ namespace: session.namespace })).items;
    expect(pods.map((pod) => pod.metadata?.name)).toContainEqual(expect.stringMatching(new RegExp(`^${LOAD_GENERATOR_NAME}-`)));
    expect(pods.length).toBeGreaterThan(3);
    expect(new Set(pods.map((pod) => pod.spec?.nodeName))).toEqual(new Set([REAL_NODE_NAME]));
    // Real containers: the kubelet reports each one running.
    expect(pods.every((pod) => pod.status?.containerStatuses?.every((container) => container.state?.running))).toBe(true);

    // The participant's view (Challenge): the system's pods, on the real node; no load generator.
    const seen = await kubectl(session.kubeconfig, [
      'get',
      'pods',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}',
    ]);
    expect(seen.ok, seen.out).toBe(true);
    const lines = seen.out.trim().split('\n');
    expect(lines.length).toBe(pods.length - 1);
    expect(lines.every((line) => line.endsWith(` ${REAL_NODE_NAME}`))).toBe(true);
    expect(seen.out).not.toContain(LOAD_GENERATOR_NAME);
  }, 240_000);

  it('shows the events of the namespace in Challenge mode, none about the load generator', async () => {
    const { namespace, kubeconfig } = session!;
    // The cluster has them: the load generator's Deployment scaled, its pod scheduled, pulled, started.
    const all = (await harness.kube.core.listNamespacedEvent({ namespace })).items;
    expect(all.filter((event) => event.involvedObject.name?.startsWith(LOAD_GENERATOR_NAME)).length).toBeGreaterThan(0);
    for (const args of [
      ['get', 'events'],
      ['get', 'events', '-o', 'yaml'],
      ['get', 'events.events.k8s.io', '-o', 'json'],
      ['describe', 'pods'],
    ]) {
      const answer = await kubectl(kubeconfig, args);
      expect(answer.ok, `kubectl ${args.join(' ')}: ${answer.out}`).toBe(true);
      expect(answer.out, `kubectl ${args.join(' ')}`).toMatch(/Scheduled|Started/);
      expect(answer.out, `kubectl ${args.join(' ')}`).not.toMatch(/load-generator/i);
    }
    const named = all.find((event) => event.involvedObject.name?.startsWith(LOAD_GENERATOR_NAME))!.metadata.name!;
    expect((await kubectl(kubeconfig, ['get', 'event', named])).out).toMatch(/NotFound/);
  }, 120_000);

  it('tears the session down: its namespace is gone from the cluster', async () => {
    const { id, token, namespace } = session!;
    const abandon = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${id}/abandon`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(abandon.statusCode).toBeLessThan(300);
    await waitForPhase(harness.app, id, token, ['abandoned'], 180_000);
    expect(await namespaceExists(harness.kube, namespace)).toBe(false);
    // The node removes the pods' sandboxes after the namespace is gone: real-node-teardown.test.ts checks what is left.
    session = undefined;
  }, 240_000);
});
