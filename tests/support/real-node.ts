// The real node (infra/real-node) for integration tests: joined to the global setup's sim cluster, with its
// state under .data/real-node like the stack's (one real node per machine: it owns a fixed bridge). Also a ready
// session sent to the real node afterwards (its system stays on kwok, new pods go to the node), and the checks that
// nothing of it is left behind. A harness started with FL_SANDBOX_PLACEMENT=real puts whole sessions there.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sandboxNamespace } from '../../cluster/labels.ts';
import type { Kube } from '../../cluster/kube.ts';
import { ROOT } from '../../infra/lib/tools.ts';
import { placementMetadata } from '../../cluster/placement.ts';
import { bridgePorts } from '../../infra/real-node/host-network.ts';
import { networkPolicyIpsets } from '../../infra/real-node/network-policies.ts';
import type { RealNodePool } from '../../infra/real-node/config.ts';
import { startRealNode, type RealNode } from '../../infra/real-node/node.ts';
import { clusterCertificatePaths } from '../../infra/sim-cluster/cluster-pki.ts';
import { inject } from 'vitest';
import { startHarness, type Harness } from './session-harness.ts';
import { createSession, participantKubeconfig, waitForPhase } from './session-client.ts';

const run = promisify(execFile);
export const REAL_NODE_DATA_DIR = join(ROOT, '.data', 'real-node');

/** Starts the real node against the sim cluster whose admin kubeconfig is `kubeconfig`. */
export function startTestRealNode(kubeconfig: string): Promise<RealNode> {
  return startRealNode({
    dataDir: REAL_NODE_DATA_DIR,
    kubeconfigPath: kubeconfig,
    certificates: clusterCertificatePaths(join(dirname(kubeconfig), 'credentials')),
  });
}

/** Starts the real node with its two pools (`a` and `b`, a node each), for systems pinned to node pools. */
export function startTestRealNodePools(kubeconfig: string, pools: RealNodePool[] = ['a', 'b']): Promise<RealNode> {
  return startRealNode({
    dataDir: REAL_NODE_DATA_DIR,
    kubeconfigPath: kubeconfig,
    certificates: clusterCertificatePaths(join(dirname(kubeconfig), 'credentials')),
    pools,
  });
}

/**
 * A harness whose sessions run on the real node through the driver path, as the stack's (FL_SANDBOX_PLACEMENT=real),
 * and the real node itself, started together against the global setup's sim cluster.
 */
export async function startRealNodeHarness(
  env: Record<string, string> = {},
  options: { pools?: RealNodePool[] } = {},
): Promise<[Harness, RealNode]> {
  const admin = inject('kubeconfig');
  return Promise.all([
    startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: admin,
      databaseUrl: inject('databases')[0]!.url,
      env: { ...env, FL_SANDBOX_PLACEMENT: 'real' },
    }),
    options.pools ? startTestRealNodePools(admin, options.pools) : startTestRealNode(admin),
  ]);
}

/**
 * Gives an existing namespace what the `sim` driver gives a new sandbox with FL_SANDBOX_PLACEMENT=real
 * (cluster/placement.ts): its pods created from now on go to the real node.
 */
export async function sendToRealNode(kube: Kube, name: string): Promise<void> {
  const { annotations, labels } = placementMetadata('real');
  const namespace = await kube.core.readNamespace({ name });
  namespace.metadata = {
    ...namespace.metadata,
    annotations: { ...namespace.metadata?.annotations, ...annotations },
    labels: { ...namespace.metadata?.labels, ...labels },
  };
  await kube.core.replaceNamespace({ name, body: namespace });
}

export interface RealNodeSession {
  id: string;
  token: string;
  namespace: string;
  /** The participant's kubeconfig (the recording gateway). */
  kubeconfig: string;
}

/** A ready session (the default scenario) whose sandbox's pods created from now on go to the real node. */
export async function startRealNodeSession(harness: Harness): Promise<RealNodeSession> {
  const { id, participantToken: token } = await createSession(harness.app);
  await waitForPhase(harness.app, id, token, ['ready']);
  const namespace = sandboxNamespace(id);
  await sendToRealNode(harness.kube, namespace);
  return { id, token, namespace, kubeconfig: await participantKubeconfig(harness.app, id, token) };
}

/** What a stopped real node could have left on the machine; every list is empty when it left nothing. */
export async function realNodeLeftovers(dataDir = REAL_NODE_DATA_DIR): Promise<Record<string, string[]>> {
  const lines = async (command: string, args: string[]) =>
    (
      await run(command, args).then(
        (r) => r.stdout,
        () => '',
      )
    )
      .split('\n')
      .filter(Boolean);
  const processes = (await lines('ps', ['-eo', 'pid,args'])).filter((line) => line.includes(dataDir) && !line.includes(' ps -eo'));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4]?.startsWith(`${dataDir}/`));
  const bridge = await lines('ip', ['-o', 'link', 'show', 'flrn0']);
  const iptables = [...(await lines('iptables-save', [])), ...(await lines('ip6tables-save', []))].filter((line) =>
    /KUBE-|FL-REAL-NODE|CNI-/.test(line),
  );
  // kube-proxy's tables (nftables mode); the second pool's are in its network namespace, which goes whole.
  const nftables = (await lines('nft', ['list', 'tables'])).filter((line) => / kube-proxy$/.test(line));
  const cgroups = readdirSync('/sys/fs/cgroup').filter((hierarchy) => {
    try {
      return readdirSync(join('/sys/fs/cgroup', hierarchy)).includes('kubepods');
    } catch {
      return false;
    }
  });
  const netns = (() => {
    try {
      return readdirSync('/run/netns').filter((name) => name.startsWith('cni-'));
    } catch {
      return [];
    }
  })();
  const ipsets = await networkPolicyIpsets();
  const logLinks = (() => {
    try {
      return readdirSync('/var/log/containers');
    } catch {
      return [];
    }
  })();
  return { processes, mounts, bridge, iptables, nftables, ipsets, cgroups, netns, logLinks };
}

/** What torn-down sandboxes could have left on a running real node, by their namespaces, pod UIDs and pod IPs. */
export interface SandboxTraces {
  namespaces: string[];
  podUids: string[];
  podIps: string[];
}

/** What of those sandboxes is still on the node; every list is empty when teardown left nothing of them. */
export async function sandboxLeftovers(node: RealNode, traces: SandboxTraces): Promise<Record<string, string[]>> {
  const namespaces = new Set(traces.namespaces);
  const ofOurs = (items: { labels?: Record<string, string>; metadata?: { namespace?: string } }[]) =>
    items.filter((item) => namespaces.has(item.labels?.['io.kubernetes.pod.namespace'] ?? item.metadata?.namespace ?? ''));
  const sandboxes = ofOurs(JSON.parse(await node.crictl(['pods', '-o', 'json'])).items ?? []).map((pod) => JSON.stringify(pod.metadata));
  const containers = ofOurs(JSON.parse(await node.crictl(['ps', '-a', '-o', 'json'])).containers ?? []).map(
    (container) => container.labels?.['io.kubernetes.container.name'] ?? '?',
  );
  const cgroups = (await run('sh', ['-c', 'find /sys/fs/cgroup/*/kubepods -type d -name "pod*" 2>/dev/null; true']).then((r) => r.stdout))
    .split('\n')
    .filter((dir) => traces.podUids.some((uid) => dir.endsWith(`pod${uid}`)));
  const mentionsOurs = (line: string) =>
    traces.namespaces.some((namespace) => line.includes(`${namespace}/`)) ||
    traces.podIps.some((ip) => new RegExp(`(^|[^\\d.])${ip.replaceAll('.', '\\.')}([^\\d]|$)`).test(line));
  const iptables = (await run('iptables-save', []).then((r) => r.stdout)).split('\n').filter(mentionsOurs);
  // kube-proxy's Services and endpoints (chains and map elements named by namespace/service, endpoint IPs).
  const nftables = withoutEmptyChains(
    await run('nft', ['list', 'table', 'ip', 'kube-proxy']).then(
      (r) => r.stdout,
      () => '',
    ),
  ).filter(mentionsOurs);
  const ipsets = (
    await run('ipset', ['save']).then(
      (r) => r.stdout,
      () => '',
    )
  )
    .split('\n')
    .filter((line) => line.startsWith('add ') && mentionsOurs(line));
  const conntrack = (
    await run('conntrack', ['-L']).then(
      (r) => r.stdout,
      () => '',
    )
  )
    .split('\n')
    .filter(mentionsOurs);
  const podDirs = (() => {
    try {
      return readdirSync(join(node.layout.kubeletRootDir, 'pods'));
    } catch {
      return [];
    }
  })();
  const volumes = podDirs.filter((uid) => traces.podUids.includes(uid));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => traces.podUids.some((uid) => line.split(' ')[4]?.includes(uid)));
  const ipam = (() => {
    try {
      return readdirSync(join(node.layout.dataDir, 'cni-ipam', 'failurelib-real-node'));
    } catch {
      return [];
    }
  })().filter((file) => traces.podIps.includes(file));
  const veths = await bridgePorts();
  return { sandboxes, containers, cgroups, veths, iptables, nftables, ipsets, conntrack, volumes, mounts, ipam };
}

/**
 * `nft list table` output as lines, less the chains with no rules: kube-proxy flushes a deleted Service's chains at
 * once but deletes them only at its next sync a second or more later (a kernel before 6.2 may still see them
 * referenced), and with no further change in the cluster that sync can be an hour away. An empty chain does nothing.
 */
export function withoutEmptyChains(listing: string): string[] {
  const lines = listing.split('\n');
  return lines.filter((line, i) => {
    const opensEmpty = /^\s*chain \S+ \{$/.test(line) && /^\s*\}$/.test(lines[i + 1] ?? '');
    const closesEmpty = /^\s*\}$/.test(line) && /^\s*chain \S+ \{$/.test(lines[i - 1] ?? '');
    return !opensEmpty && !closesEmpty;
  });
}
