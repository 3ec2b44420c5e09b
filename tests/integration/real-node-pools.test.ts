// The real node with two pools: a second node (pool b) in a network namespace of its own, next to the first (pool
// a), as a two-pool cluster has them. A participant's pods pinned to either pool run there; they reach each other by
// Service name across the pools (cluster DNS, each node's kube-proxy, routed unmasqueraded through the machine),
// a NetworkPolicy on a pool b pod blocks a pool a client, and exec and logs reach pool b's kubelet. When the node
// stops, nothing of either pool is left on the machine. Needs root and infra/real-node/setup.sh.
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POOL_LABEL_KEY, REAL_NODE_NAME, SECOND_NODE, imageName } from '../../infra/real-node/config.ts';
import type { RealNode } from '../../infra/real-node/node.ts';
import { secondNodeNetworkLeftovers } from '../../infra/real-node/pool-network.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { kubectl } from '../support/session-client.ts';
import { realNodeLeftovers, startRealNodeSession, startTestRealNodePools, type RealNodeSession } from '../support/real-node.ts';

const database = inject('databases').find((db) => db.name === 'pglite') ?? inject('databases')[0];
const SERVER = `require('http').createServer((q, r) => r.end('cloud ' + process.env.CLOUD)).listen(8080)`;

/** A pod pinned to `pool` serving "cloud <pool>" on 8080, and its Service `web-<pool>` on port 80. */
function poolWeb(pool: string): object[] {
  const labels = { app: `web-${pool}` };
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${pool}`, labels },
      spec: {
        nodeSelector: { [POOL_LABEL_KEY]: pool },
        containers: [
          {
            name: 'main',
            image: imageName('node-services'),
            command: ['node', '-e', SERVER],
            env: [{ name: 'CLOUD', value: pool }],
            resources: { limits: { memory: '96Mi', cpu: '200m' } },
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `web-${pool}` },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
  ];
}

describe('real node with two pools', () => {
  let harness: Harness;
  let node: RealNode | undefined;
  let session: RealNodeSession;

  beforeAll(async () => {
    const admin = inject('kubeconfig');
    [harness, node] = await Promise.all([
      startHarness({ temporalAddress: inject('temporalAddress'), kubeconfig: admin, databaseUrl: database?.url ?? '' }),
      startTestRealNodePools(admin),
    ]);
    console.log(
      `real node pools: both Ready after ${node.readySeconds.toFixed(1)} s, DNS and enforcement after ${node.dnsReadySeconds.toFixed(1)} s`,
    );
    session = await startRealNodeSession(harness);
  }, 300_000);

  afterAll(async () => {
    await node?.stop();
    await harness?.close();
  }, 180_000);

  it('runs a pod in each pool, on its own node; they reach each other by Service name across the pools', async () => {
    for (const name of [REAL_NODE_NAME, SECOND_NODE.name]) {
      const read = await harness.kube.core.readNode({ name });
      expect(read.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    const manifest = join(tmpdir(), `fl-real-pools-${session.id}.json`);
    writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...poolWeb('a'), ...poolWeb('b')] }));
    const apply = await kubectl(session.kubeconfig, ['apply', '-f', manifest]);
    expect(apply.ok, apply.out).toBe(true);
    const wait = await kubectl(session.kubeconfig, ['wait', '--for=condition=Ready', 'pod/web-a', 'pod/web-b', '--timeout=28s']);
    expect(wait.ok, wait.out).toBe(true);
    const nodeOf = async (pod: string) => (await kubectl(session.kubeconfig, ['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).out;
    expect(await nodeOf('web-a')).toBe(REAL_NODE_NAME);
    expect(await nodeOf('web-b')).toBe(SECOND_NODE.name);

    // exec on pool b goes through its kubelet; the request resolves the other pool's Service (cluster DNS) and goes
    // through the pod's node's kube-proxy to the other node.
    const fetchFrom = (pod: string, url: string) =>
      kubectl(session.kubeconfig, [
        'exec',
        pod,
        '--',
        'node',
        '-e',
        `fetch('${url}', { signal: AbortSignal.timeout(4000) }).then((r) => r.text()).then(console.log, (e) => console.log('failed: ' + (e.cause?.code ?? e.message)))`,
      ]);
    expect((await fetchFrom('web-b', 'http://web-a/')).out).toBe('cloud a\n');
    expect((await fetchFrom('web-a', 'http://web-b/')).out).toBe('cloud b\n');
    const logs = await kubectl(session.kubeconfig, ['logs', 'web-b']);
    expect(logs.ok, logs.out).toBe(true);

    // A NetworkPolicy on the pool b pod is enforced by pool b's enforcer, against the pool a client's own address.
    const policy = join(tmpdir(), `fl-real-pools-policy-${session.id}.json`);
    writeFileSync(
      policy,
      JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-web-b' },
        spec: { podSelector: { matchLabels: { app: 'web-b' } }, policyTypes: ['Ingress'] },
      }),
    );
    expect((await kubectl(session.kubeconfig, ['apply', '-f', policy])).ok).toBe(true);
    let blocked = '';
    for (let attempt = 0; attempt < 20 && !blocked.startsWith('failed'); attempt++)
      blocked = (await fetchFrom('web-a', 'http://web-b/')).out;
    expect(blocked).toMatch(/^failed/);
    expect((await fetchFrom('web-b', 'http://web-a/')).out).toBe('cloud a\n');
  }, 150_000);

  it('leaves nothing of either pool on the machine once stopped', async () => {
    await node?.stop();
    node = undefined;
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
    expect(await secondNodeNetworkLeftovers()).toEqual([]);
    expect(['memory', 'cpu', 'pids'].filter((hierarchy) => existsSync(join('/sys/fs/cgroup', hierarchy, SECOND_NODE.cgroupRoot)))).toEqual(
      [],
    );
  }, 180_000);
});
