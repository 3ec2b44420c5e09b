// Teardown leaves nothing behind on the real node: sandboxes made and deleted as a session's are (createSandbox,
// deleteSandbox), each with a pod that serves from an emptyDir volume behind a Service and has answered a request
// through it (kube-proxy rules, conntrack entries), are created and torn down FL_REAL_NODE_SESSIONS times (20 by
// default), a few at a time. Then nothing attributable to them is left on the node, and each teardown's time is
// measured. Needs root and infra/real-node/setup.sh, like real-node.test.ts.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectKube, type Kube } from '../../cluster/kube.ts';
import { createSandbox, deleteSandbox } from '../../cluster/sandbox.ts';
import { REAL_NODE_NAME, imageName } from '../../infra/real-node/config.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { kubectl } from '../support/session-client.ts';
import { sandboxLeftovers, startTestRealNode, type SandboxTraces } from '../support/real-node.ts';

const SESSIONS = Number(process.env.FL_REAL_NODE_SESSIONS ?? 20);
const AT_ONCE = 4;

describe('real node teardown', () => {
  const admin = inject('kubeconfig');
  let kube: Kube;
  let node: RealNode | undefined;

  beforeAll(async () => {
    kube = connectKube(admin);
    node = await startTestRealNode(admin);
  }, 180_000);

  afterAll(async () => {
    await node?.stop();
  }, 120_000);

  /** One session's sandbox on the real node, used as a participant would, then torn down; resolves with its traces. */
  async function session(sessionId: string): Promise<SandboxTraces & { teardownSeconds: number }> {
    const namespace = await createSandbox(kube, sessionId, { placement: 'real' });
    const manifest = join(tmpdir(), `fl-real-teardown-${namespace}.json`);
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'web', labels: { app: 'web' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              volumes: [{ name: 'site', emptyDir: {} }],
              containers: [
                {
                  name: 'main',
                  image: imageName('debian-base'),
                  command: ['sh', '-c', 'echo up > /srv/index.html && exec busybox httpd -f -p 8080 -h /srv'],
                  volumeMounts: [{ name: 'site', mountPath: '/srv' }],
                },
              ],
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Service',
            // Not `web`: the pod's own hostname, which /etc/hosts resolves to the pod's IP, not the Service.
            metadata: { name: 'site' },
            spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
          },
          {
            // The NetworkPolicy enforcer's chain and ipsets with the pod's IP, which must go with the sandbox.
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'same-namespace' },
            spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] },
          },
        ],
      }),
    );
    const ns = ['--namespace', namespace];
    const apply = await kubectl(admin, [...ns, 'apply', '-f', manifest]);
    if (!apply.ok) throw new Error(apply.out);
    const wait = await kubectl(admin, [...ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    if (!wait.ok) throw new Error(wait.out);
    const pod = await kube.core.readNamespacedPod({ namespace, name: 'web' });
    expect(pod.spec?.nodeName).toBe(REAL_NODE_NAME);
    // Through the Service and back to itself: kube-proxy's rules and a conntrack entry for the pod's IP.
    await expect
      .poll(async () => (await kubectl(admin, [...ns, 'exec', 'web', '--', 'busybox', 'wget', '-qO-', 'http://site/'])).out, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe('up\n');

    const started = Date.now();
    while (!(await deleteSandbox(kube, sessionId, namespace))) await new Promise((resolve) => setTimeout(resolve, 250));
    // Torn down once nothing of it runs: its sandbox stopped (CNI has deleted its veth, IP and rules) and no
    // container running. The kubelet removes stopped sandboxes in its garbage collection, once a minute.
    const running = async () =>
      (
        await Promise.all([
          node!.crictl(['pods', '--namespace', namespace, '--state', 'ready', '-q']),
          node!.crictl(['ps', '--label', `io.kubernetes.pod.namespace=${namespace}`, '-q']),
        ])
      )
        .join('')
        .trim();
    await expect.poll(running, { timeout: 60_000, interval: 250 }).toBe('');
    return {
      namespaces: [namespace],
      podUids: [pod.metadata!.uid!],
      podIps: [pod.status!.podIP!],
      teardownSeconds: (Date.now() - started) / 1000,
    };
  }

  it(`leaves nothing of ${SESSIONS} torn-down sandboxes on the node`, async () => {
    const runTag = `td${Date.now().toString(36)}`;
    const results: Awaited<ReturnType<typeof session>>[] = [];
    for (let first = 0; first < SESSIONS; first += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, SESSIONS - first) }, (_, i) => session(`${runTag}n${first + i}`));
      results.push(...(await Promise.all(batch)));
    }
    const seconds = results.map((result) => result.teardownSeconds).sort((a, b) => a - b);
    console.log(
      `real node teardown of ${SESSIONS} sandboxes: median ${seconds[Math.floor(seconds.length / 2)]} s, max ${seconds.at(-1)} s per namespace`,
    );
    const traces: SandboxTraces = {
      namespaces: results.flatMap((result) => result.namespaces),
      podUids: results.flatMap((result) => result.podUids),
      podIps: [...new Set(results.flatMap((result) => result.podIps))],
    };
    expect(traces.namespaces).toHaveLength(SESSIONS);
    // Given the kubelet's garbage collection (stopped sandboxes, once a minute) and housekeeping (cgroups, volumes).
    const collecting = Date.now();
    await expect
      .poll(() => sandboxLeftovers(node!, traces), { timeout: 120_000, interval: 2000 })
      .toEqual({
        sandboxes: [],
        containers: [],
        cgroups: [],
        veths: [],
        iptables: [],
        nftables: [],
        ipsets: [],
        conntrack: [],
        volumes: [],
        mounts: [],
        ipam: [],
      });
    console.log(`real node: nothing of them left ${(Date.now() - collecting) / 1000} s after the last teardown`);
  }, 600_000);
});
