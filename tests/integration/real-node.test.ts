// The real node, for real: a kubelet and containerd joined to the sim cluster run a participant's pods, created
// through the recording gateway with the participant's kubeconfig, from an image built on this machine. What a
// participant debugging a failure starts with works: logs of the crashed container, exec, port-forward. After the
// session and the node are gone, nothing of them is left on the machine. Needs root and infra/real-node/setup.sh.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequests } from '../../db/schema.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { REAL_NODE_NAME, REAL_NODE_TAINT, imageName } from '../../infra/real-node/config.ts';
import { bridgePorts } from '../../infra/real-node/host-network.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { kubectl, waitForPhase } from '../support/session-client.ts';
import { realNodeLeftovers, startRealNodeSession, startTestRealNode } from '../support/real-node.ts';

const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];
const BASE_IMAGE = imageName('debian-base');
const CRASH_MESSAGE = 'fatal: cannot read /etc/booking/config.yaml: no such file or directory';

function podManifest(name: string, command: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      containers: [
        { name: 'main', image: BASE_IMAGE, command: ['sh', '-c', command], resources: { limits: { memory: '64Mi', cpu: '200m' } } },
      ],
    },
  });
}

/** `kubectl port-forward` to the pod; resolves with the local port once kubectl says it forwards. */
function portForward(kubeconfig: string, pod: string, port: number): Promise<{ localPort: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(requireTool('kubectl'), ['--kubeconfig', kubeconfig, 'port-forward', `pod/${pod}`, `:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`port-forward did not start: ${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ localPort: Number(match[1]), close: () => child.kill() });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited ${code}: ${output}`));
    });
  });
}

describe('real node', () => {
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
    timings.nodeReadySeconds = node.readySeconds;
    timings.dnsReadySeconds = node.dnsReadySeconds;
    // What a cluster driver does for a session on the real node: every pod of the namespace goes there.
    session = await startRealNodeSession(harness);
  }, 240_000);

  afterAll(async () => {
    await node?.stop();
    await harness?.close();
    console.log(`real node timings: ${JSON.stringify(timings)}`);
  }, 120_000);

  it('joins the cluster next to the kwok nodes, labelled and tainted so only pods that ask for it land there', async () => {
    const read = await harness.kube.core.readNode({ name: REAL_NODE_NAME });
    expect(read.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(read.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(read.spec?.taints).toContainEqual(expect.objectContaining(REAL_NODE_TAINT));
    const systemPods = await harness.kube.core.listNamespacedPod({ namespace: session.namespace });
    expect(systemPods.items.length).toBeGreaterThan(0);
    expect(systemPods.items.every((pod) => pod.spec?.nodeName?.startsWith('kwok-node-'))).toBe(true);
  });

  it('runs a pod created through the gateway from a locally built image: exec, cp and port-forward work', async () => {
    const manifest = join(tmpdir(), `fl-real-web-${session.id}.json`);
    writeFileSync(
      manifest,
      podManifest('web', 'mkdir -p /srv && echo "served by $(hostname)" > /srv/index.html && exec busybox httpd -f -p 8080 -h /srv'),
    );
    const started = Date.now();
    const create = await kubectl(session.kubeconfig, ['apply', '-f', manifest]);
    expect(create.ok, create.out).toBe(true);
    const wait = await kubectl(session.kubeconfig, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=25s']);
    expect(wait.ok, wait.out).toBe(true);
    timings.podReadySeconds = (Date.now() - started) / 1000;
    expect((await kubectl(session.kubeconfig, ['get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName}'])).out).toBe(REAL_NODE_NAME);

    const exec = await kubectl(session.kubeconfig, ['exec', 'web', '--', 'cat', '/etc/os-release']);
    expect(exec.ok, exec.out).toBe(true);
    expect(exec.out).toContain('Debian GNU/Linux');

    // A Service by its name: cluster DNS (CoreDNS) and kube-proxy's rules, back to the same pod (hairpin).
    const expose = await kubectl(session.kubeconfig, ['expose', 'pod', 'web', '--name=greeter', '--port=80', '--target-port=8080']);
    expect(expose.ok, expose.out).toBe(true);
    // (Debian's busybox wget crashes with -T; kubectl's own timeout bounds it.)
    const viaService = await kubectl(session.kubeconfig, ['exec', 'web', '--', 'busybox', 'wget', '-qO-', 'http://greeter/']);
    expect(viaService.out).toBe('served by web\n');
    // The node's guard: pods reach nothing of the machine but DNS. A connection to the kubelet's port is dropped
    // (no answer: timeout's exit 124), while one to the pod's own server connects (0).
    const connect = (address: string, port: number) =>
      kubectl(session.kubeconfig, ['exec', 'web', '--', 'sh', '-c', `timeout 3 busybox nc ${address} ${port} </dev/null; echo "exit $?"`]);
    expect((await connect('10.250.0.1', 10250)).out).toContain('exit 124');
    expect((await connect('127.0.0.1', 8080)).out).toContain('exit 0');

    const copied = join(tmpdir(), `fl-real-cp-${session.id}.html`);
    const copy = await kubectl(session.kubeconfig, ['cp', 'web:/srv/index.html', copied]);
    expect(copy.ok, copy.out).toBe(true);
    expect(readFileSync(copied, 'utf8')).toBe('served by web\n');

    const forward = await portForward(session.kubeconfig, 'web', 8080);
    try {
      const response = await fetch(`http://127.0.0.1:${forward.localPort}/`);
      expect(await response.text()).toBe('served by web\n');
    } finally {
      forward.close();
    }
    const rows = await harness.database.db.select().from(kubeRequests).where(eq(kubeRequests.sessionId, session.id));
    expect(rows.map((row) => row.subresource)).toEqual(expect.arrayContaining(['exec', 'portforward']));
  }, 90_000);

  it('refuses a participant pod that would reach into the node (host network, NET_ADMIN)', async () => {
    const manifest = join(tmpdir(), `fl-real-hostnet-${session.id}.json`);
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'escape' },
        spec: {
          hostNetwork: true,
          containers: [
            { name: 'main', image: BASE_IMAGE, command: ['sleep', '60'], securityContext: { capabilities: { add: ['NET_ADMIN'] } } },
          ],
        },
      }),
    );
    const create = await kubectl(session.kubeconfig, ['apply', '-f', manifest]);
    expect(create.ok).toBe(false);
    expect(create.out).toMatch(/violates PodSecurity "baseline.*host namespaces/);
  });

  it('enforces a NetworkPolicy: denying ingress to web really blocks a request from another pod, until it is deleted', async () => {
    const manifest = join(tmpdir(), `fl-real-client-${session.id}.json`);
    writeFileSync(manifest, podManifest('client', 'exec sleep 3600'));
    expect((await kubectl(session.kubeconfig, ['apply', '-f', manifest])).ok).toBe(true);
    const wait = await kubectl(session.kubeconfig, ['wait', '--for=condition=Ready', 'pod/client', '--timeout=25s']);
    expect(wait.ok, wait.out).toBe(true);
    const webIp = (await kubectl(session.kubeconfig, ['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).out;
    const request = async () =>
      (
        await kubectl(session.kubeconfig, [
          'exec',
          'client',
          '--',
          'sh',
          '-c',
          `timeout 3 busybox wget -qO- http://${webIp}:8080/ 2>&1; echo "exit $?"`,
        ])
      ).out;
    const served = 'served by web\nexit 0\n';
    expect(await request()).toBe(served);

    const policy = join(tmpdir(), `fl-real-policy-${session.id}.json`);
    writeFileSync(
      policy,
      JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-web' },
        spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
      }),
    );
    const created = Date.now();
    expect((await kubectl(session.kubeconfig, ['apply', '-f', policy])).ok).toBe(true);
    // kube-router REJECTs what no policy allows: the connection is refused at once (a drop would time out, 124).
    await expect
      .poll(request, { timeout: 20_000, interval: 250 })
      .toBe(`wget: can't connect to remote host (${webIp}): Connection refused\nexit 1\n`);
    timings.networkPolicyEnforcedSeconds = (Date.now() - created) / 1000;

    const deleted = Date.now();
    expect((await kubectl(session.kubeconfig, ['delete', 'networkpolicy', 'deny-web'])).ok).toBe(true);
    await expect.poll(request, { timeout: 20_000, interval: 250 }).toBe(served);
    timings.networkPolicyLiftedSeconds = (Date.now() - deleted) / 1000;
  }, 90_000);

  it("shows the crashed container's own error with kubectl logs --previous", async () => {
    const manifest = join(tmpdir(), `fl-real-crash-${session.id}.json`);
    writeFileSync(manifest, podManifest('booking', `echo "booting booking" && echo "${CRASH_MESSAGE}" >&2 && exit 3`));
    const create = await kubectl(session.kubeconfig, ['apply', '-f', manifest]);
    expect(create.ok, create.out).toBe(true);
    await expect
      .poll(
        async () =>
          Number(
            (await kubectl(session.kubeconfig, ['get', 'pod', 'booking', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']))
              .out || 0,
          ),
        { timeout: 60_000, interval: 1000 },
      )
      .toBeGreaterThanOrEqual(1);
    const previous = await kubectl(session.kubeconfig, ['logs', 'booking', '--previous']);
    expect(previous.ok, previous.out).toBe(true);
    expect(previous.out).toContain('booting booking');
    expect(previous.out).toContain(CRASH_MESSAGE);
    const state = await kubectl(session.kubeconfig, [
      'get',
      'pod',
      'booking',
      '-o',
      'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}',
    ]);
    expect(state.out).toBe('3');
  }, 90_000);

  it('leaves nothing on the node once the session is torn down, and nothing on the machine once the node stops', async () => {
    // The session's pods only: the node's own (CoreDNS, host network, no veth) stay until the node stops.
    const sessionSandboxes = async () => (await node!.crictl(['pods', '--namespace', session.namespace, '-q'])).trim();
    expect(await sessionSandboxes()).not.toBe('');
    const abandon = await harness.app.inject({
      method: 'POST',
      url: `/api/sessions/${session.id}/abandon`,
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(abandon.statusCode).toBeLessThan(300);
    await waitForPhase(harness.app, session.id, session.token, ['abandoned'], 90_000);
    await expect.poll(sessionSandboxes, { timeout: 60_000, interval: 1000 }).toBe('');
    expect((await node!.crictl(['ps', '-a', '-q', '--label', `io.kubernetes.pod.namespace=${session.namespace}`])).trim()).toBe('');
    expect(await bridgePorts()).toEqual([]);

    await node!.stop();
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
  }, 180_000);
});
