// The real node can die: a SIGKILLed kubelet or containerd comes back by itself within seconds (the node supervises
// its processes), the participant's pod keeps running through it (the same container, not a restarted one), and
// `kubectl exec` through the gateway works again. A containerd that keeps dying is given up on (the node goes
// NotReady), and the session's teardown and the node's stop still leave nothing on the machine. Needs
// root and infra/real-node/setup.sh, like real-node.test.ts.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REAL_NODE_NAME, imageName } from '../../infra/real-node/config.ts';
import type { NodeProcessName, RealNode } from '../../infra/real-node/node.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { kubectl, namespaceExists, waitForPhase } from '../support/session-client.ts';
import { realNodeLeftovers, startRealNodeSession, startTestRealNode } from '../support/real-node.ts';

const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];

describe('real node death', () => {
  let harness: Harness;
  let node: RealNode | undefined;
  let session: { id: string; token: string; namespace: string; kubeconfig: string };
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const admin = inject('kubeconfig');
    [harness, node] = await Promise.all([
      startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: admin, databaseUrl: database?.url ?? '' }),
      startTestRealNode(admin),
    ]);
    session = await startRealNodeSession(harness);
    const manifest = join(tmpdir(), `fl-real-death-${session.id}.json`);
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'worker' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: imageName('debian-base'), command: ['sleep', '3600'] }],
        },
      }),
    );
    const apply = await kubectl(session.kubeconfig, ['apply', '-f', manifest]);
    if (!apply.ok) throw new Error(apply.out);
    const wait = await kubectl(session.kubeconfig, ['wait', '--for=condition=Ready', 'pod/worker', '--timeout=30s']);
    if (!wait.ok) throw new Error(wait.out);
  }, 240_000);

  afterAll(async () => {
    await node?.stop();
    await harness?.close();
    console.log(`real node death timings: ${JSON.stringify(timings)}`);
  }, 120_000);

  const containerId = async () =>
    (await kubectl(session.kubeconfig, ['get', 'pod', 'worker', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).out;
  const nodeReady = async () =>
    (await harness.kube.core.readNode({ name: REAL_NODE_NAME })).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const execWorks = async () => (await kubectl(session.kubeconfig, ['exec', 'worker', '--', 'echo', 'alive'])).out;

  it.each<NodeProcessName>(['kubelet', 'containerd'])(
    'comes back by itself after %s is SIGKILLed: the pod keeps running and exec works again',
    async (name) => {
      expect(await execWorks()).toBe('alive\n');
      const before = await containerId();
      expect(before).not.toBe('');
      const supervised = node!.process(name);
      const killedPid = supervised.current().child.pid!;
      const restarted = supervised.nextStart();
      const killedAt = Date.now();
      process.kill(killedPid, 'SIGKILL');
      const next = await restarted;
      timings[`${name}RestartedSeconds`] = (Date.now() - killedAt) / 1000;
      expect(next.child.pid).not.toBe(killedPid);
      await expect.poll(nodeReady, { timeout: 60_000, interval: 500 }).toBe('True');
      await expect.poll(execWorks, { timeout: 60_000, interval: 1000 }).toBe('alive\n');
      timings[`${name}ExecAgainSeconds`] = (Date.now() - killedAt) / 1000;
      // The same container, still running: not one the kubelet had to start again.
      expect(await containerId()).toBe(before);
      expect((await kubectl(session.kubeconfig, ['get', 'pod', 'worker', '-o', 'jsonpath={.status.phase}'])).out).toBe('Running');
      expect(supervised.restarts()).toBe(1);
    },
    120_000,
  );

  it('fails clearly when containerd keeps dying, and the session still tears down and leaves nothing once the node stops', async () => {
    const containerd = node!.process('containerd');
    while (!containerd.gaveUp()) {
      const next = containerd.nextStart();
      process.kill(containerd.current().child.pid!, 'SIGKILL');
      await Promise.race([next, containerd.current().exited.then(() => new Promise((resolve) => setTimeout(resolve, 1500)))]);
    }
    // The node says so: the kubelet reports its runtime down.
    await expect.poll(nodeReady, { timeout: 60_000, interval: 1000 }).toBe('False');
    const abandon = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/abandon`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(abandon.statusCode).toBeLessThan(300);
    await waitForPhase(harness.app, session.id, session.token, ['abandoned'], 180_000);
    // The sandbox is gone from the cluster although the node could not stop its pods: they were deleted without grace.
    expect(await namespaceExists(harness.kube, session.namespace)).toBe(false);
    // The node's stop removes them: containerd started once more for the CRI, or their processes killed.
    const stopping = Date.now();
    await node!.stop();
    timings.deadNodeStopSeconds = (Date.now() - stopping) / 1000;
    expect(await realNodeLeftovers()).toEqual({
      processes: [],
      mounts: [],
      bridge: [],
      iptables: [],
      nftables: [],
      ipsets: [],
      cgroups: [],
      netns: [],
      logLinks: [],
    });
  }, 300_000);
});
