// A real node in the project's own cluster: Debian's containerd and runc, Debian's CNI plugins on a bridge of
// its own, and a kubelet and kube-proxy built from the same module as the sim apiserver, joined to it next to
// the kwok nodes. Its pods really run. Everything it starts or writes is under its data dir; stop() removes
// every pod sandbox through the CRI (so CNI takes down veths and port mappings), the processes, mounts,
// cgroups, iptables rules and the bridge. Needs root (see infra/real-node/setup.sh for what it installs).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitUntil, type ManagedProcess } from '../lib/processes.ts';
import { requireTool } from '../lib/tools.ts';
import {
  POOL_LABEL_KEY,
  REAL_NODE_LABEL,
  REAL_NODE_NAME,
  REAL_NODE_NETWORK,
  SECOND_NODE,
  cniConflist,
  containerdConfig,
  kubeProxyConfiguration,
  kubeletConfiguration,
  realNodeLayout,
  type RealNodeLayout,
  type RealNodeNetwork,
  type RealNodePool,
} from './config.ts';
import { deployNodeAddons } from './addons.ts';
import { removeNetworkPolicyIpsets } from './network-policies.ts';
import type { ClusterCertificates } from '../sim-cluster/cluster-pki.ts';
import { createHostNetwork, removeHostNetwork, removeKubeChains } from './host-network.ts';
import { sweepStaleConntrack } from './conntrack-sweeper.ts';
import { importImages } from './images.ts';
import { killNodeProcesses, otherRealNodes } from './node-processes.ts';
import { createSecondNodeNetwork, forwardApiServer, inSecondNodeNetns, removeSecondNodeNetwork } from './pool-network.ts';
import { supervise, type SupervisedProcess } from './supervisor.ts';

const run = promisify(execFile);

export interface RealNodeOptions {
  /** Where everything of the node lives (the stack uses .data/real-node). */
  dataDir: string;
  /** An admin kubeconfig of the sim cluster, for the kubelet and kube-proxy. */
  kubeconfigPath: string;
  /** The sim cluster's CA and certificates (SimCluster.certificates): the kubelet's and metrics-server's. */
  certificates: ClusterCertificates;
  /**
   * The node pools to run, one real node each (labelled POOL_LABEL_KEY=<pool>): ['a', 'b'] adds a second node in
   * a network namespace of its own (infra/real-node/pool-network.ts). One unlabelled node by default.
   */
  pools?: RealNodePool[];
  onProgress?: (message: string) => void;
}

export interface RealNode {
  name: string;
  nodeIp: string;
  layout: RealNodeLayout;
  /** Seconds from start() to the node reporting Ready, and to cluster DNS and NetworkPolicy enforcement running. */
  readySeconds: number;
  dnsReadySeconds: number;
  /** crictl against the node's containerd (for checks). */
  crictl(args: string[]): Promise<string>;
  /** The node's processes, each restarted when it exits on its own. */
  process(name: NodeProcessName): SupervisedProcess;
  /** With `pools: ['a', 'b']`: the second node (pool b), stopped with this one. */
  secondNode?: RealNodeOfPool;
  stop(): Promise<void>;
}

/** The second node: its name, address, layout, containerd and processes. */
export type RealNodeOfPool = Pick<RealNode, 'name' | 'nodeIp' | 'layout' | 'crictl' | 'process'>;

export type NodeProcessName = 'containerd' | 'kubelet' | 'kube-proxy';

/** One node of the pools: where it lives and how it is named, addressed and labelled. */
interface NodeSpec {
  name: string;
  layout: RealNodeLayout;
  network: RealNodeNetwork;
  labels: string[];
  /** The second node: its processes run inside its network namespace, its pods under its cgroup root. */
  second: boolean;
}

interface Tools {
  kubelet: string;
  kubeProxy: string;
  crictl: string;
  kubectl: string;
}

interface BootedNode extends RealNodeOfPool {
  /** Ready and untainted. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  if (process.getuid?.() !== 0) throw new Error('the real node needs root (containerd, network bridge, iptables)');
  const pools = options.pools ?? [];
  if (pools.length > 2 || (pools.length === 2 && (pools[0] !== 'a' || pools[1] !== 'b')) || (pools.length === 1 && pools[0] !== 'a')) {
    throw new Error(`pools: ['a'] or ['a', 'b'], not ${JSON.stringify(pools)}`);
  }
  const layout = realNodeLayout(options.dataDir);
  const secondLayout = realNodeLayout(join(options.dataDir, SECOND_NODE.dataDirName));
  const sysctlsFile = join(layout.dataDir, 'saved-sysctls.json');
  mkdirSync(layout.dataDir, { recursive: true });
  const poolLabel = (pool: RealNodePool) => [`${POOL_LABEL_KEY}=${pool}`];
  const specs: NodeSpec[] = [
    { name: REAL_NODE_NAME, layout, network: REAL_NODE_NETWORK, labels: pools.length > 0 ? poolLabel('a') : [], second: false },
    ...(pools.includes('b')
      ? [{ name: SECOND_NODE.name, layout: secondLayout, network: SECOND_NODE.network, labels: poolLabel('b'), second: true }]
      : []),
  ];
  const tools: Tools = {
    kubelet: requireTool('kubelet'),
    kubeProxy: requireTool('kube-proxy'),
    crictl: requireTool('crictl'),
    kubectl: requireTool('kubectl'),
  };
  const kubectl = async (args: string[]) =>
    (await run(tools.kubectl, ['--kubeconfig', options.kubeconfigPath, ...args], { timeout: 15_000 })).stdout;

  const others = otherRealNodes(layout.dataDir);
  if (others.length > 0) throw new Error(`another real node runs on this machine (${others.join(', ')}): there can be only one`);
  for (const socket of [layout.containerdSocket, secondLayout.containerdSocket]) {
    if (await containerdAnswers(socket)) throw new Error(`a real node is already running on ${socket} (stop it first)`);
  }
  // A node that crashed leaves mounts, cgroups and rules behind: take them down before building anew (the second
  // node's too, whether or not it is asked for now).
  await removeSecondNodeLeftovers(secondLayout);
  await removeHostLeftovers(layout, sysctlsFile, tools.kubeProxy);

  const booted: BootedNode[] = [];
  let stopSweeping: (() => Promise<void>) | undefined;
  let stopApiForwarder: (() => Promise<void>) | undefined;
  let stopMetricsApi: (() => Promise<void>) | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await stopSweeping?.();
      await stopMetricsApi?.();
      for (const node of [...booted].reverse()) await node.stop();
      await stopApiForwarder?.();
      if (specs.length > 1) await removeSecondNodeLeftovers(secondLayout);
      // Whatever the CRI could not remove (containerd would not start): the pods' processes and their shims.
      await killNodeProcesses(layout.dataDir);
      await removeHostLeftovers(layout, sysctlsFile, tools.kubeProxy);
      for (const spec of specs) await kubectl(['delete', 'node', spec.name, '--ignore-not-found', '--wait=false']).catch(() => {});
    })();
    return stopped;
  };

  try {
    progress('creating the node bridge');
    await createHostNetwork(sysctlsFile);
    if (specs.length > 1) {
      progress(`creating pool b's network namespace (${SECOND_NODE.netns})`);
      const apiPort = Number(new URL(await apiServerUrl(kubectl)).port);
      await createSecondNodeNetwork(apiPort);
      stopApiForwarder = await forwardApiServer(apiPort);
    }
    stopSweeping = sweepStaleConntrack(join(layout.dataDir, 'cni-ipam'));
    for (const spec of specs) booted.push(bootNode(spec, options, tools, kubectl, progress));
    await Promise.all(booted.map((node) => node.ready));
    const readySeconds = (Date.now() - started) / 1000;
    const first = booted[0]!;
    stopMetricsApi = await deployNodeAddons({
      kubectl,
      configDir: join(layout.dataDir, 'config'),
      certificates: options.certificates,
      progress,
      watched: first.process('kubelet').current(),
    });
    const second = booted[1];
    return {
      name: first.name,
      nodeIp: first.nodeIp,
      layout,
      readySeconds,
      dnsReadySeconds: (Date.now() - started) / 1000,
      crictl: first.crictl,
      process: first.process,
      ...(second
        ? {
            secondNode: { name: second.name, nodeIp: second.nodeIp, layout: second.layout, crictl: second.crictl, process: second.process },
          }
        : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts one node's containerd, kubelet and kube-proxy; `ready` resolves once it is Ready and untainted. */
function bootNode(
  spec: NodeSpec,
  options: RealNodeOptions,
  tools: Tools,
  kubectl: (args: string[]) => Promise<string>,
  log: (message: string) => void,
): BootedNode {
  const { layout, network, name } = spec;
  const progress = spec.second ? (message: string) => log(`${name}: ${message}`) : log;
  // Stopping a sandbox runs CNI DEL and waits for its processes: far more than crictl's default 2 s on a busy machine.
  const crictl = async (args: string[]) =>
    (await run(tools.crictl, ['--config', layout.crictlConfig, ...args], { timeout: 120_000 })).stdout;
  const inNode = (command: string, args: string[]): [string, string[]] =>
    spec.second ? inSecondNodeNetns(command, args) : [command, args];
  const start = (processName: string, command: string, args: string[]) =>
    startProcess(processName, ...inNode(command, args), { logFile: join(layout.logs, `${processName}.log`) });

  for (const dir of [layout.logs, layout.cniConfDir, layout.kubeletRootDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(layout.containerdConfig, containerdConfig(layout));
  writeFileSync(
    layout.crictlConfig,
    `runtime-endpoint: unix://${layout.containerdSocket}\nimage-endpoint: unix://${layout.containerdSocket}\ntimeout: 90\n`,
  );
  writeFileSync(join(layout.cniConfDir, '10-failurelib.conflist'), JSON.stringify(cniConflist(layout, network), null, 2));
  if (spec.second) createCgroupRoot(SECOND_NODE.cgroupRoot);
  writeFileSync(
    layout.kubeletConfig,
    JSON.stringify(
      kubeletConfiguration(layout, {
        certificates: options.certificates,
        clusterDns: network.clusterDnsIp,
        network,
        ...(spec.second ? { cgroupRoot: SECOND_NODE.cgroupRoot } : {}),
      }),
      null,
      2,
    ),
  );
  writeFileSync(layout.kubeProxyConfig, JSON.stringify(kubeProxyConfiguration(options.kubeconfigPath, { name, network }), null, 2));

  const processes = new Map<NodeProcessName, SupervisedProcess>();
  const startContainerd = () => start('containerd', requireTool('containerd'), ['--config', layout.containerdConfig]);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await processes.get('kube-proxy')?.stop();
      await processes.get('kubelet')?.stop();
      const containerd = processes.get('containerd');
      if (containerd) {
        // Through the CRI, so CNI deletes each pod's veth, IP and port mappings; shims end with their pods. A
        // containerd that died for good is started once more for this, so a dead node still tears down cleanly.
        const answers = () => containerdAnswers(layout.containerdSocket);
        await waitUntil('containerd', answers, { timeoutMs: 5000, intervalMs: 250 }).catch(() => {});
        let cleaner: ManagedProcess | undefined;
        if (!(await answers())) {
          await containerd.stop();
          progress('containerd is not running: starting it once more to remove the pod sandboxes');
          cleaner = startContainerd();
          await waitUntil('containerd', answers, { process: cleaner, timeoutMs: 30_000 }).catch((error) => progress(String(error)));
        }
        await crictl(['rmp', '--all', '--force']).catch((error) => progress(`removing pod sandboxes: ${String(error)}`));
        await containerd.stop();
        await cleaner?.stop();
      }
    })();
    return stopped;
  };

  const ready = (async () => {
    progress('starting containerd');
    const containerd = supervise('containerd', { start: startContainerd, progress });
    processes.set('containerd', containerd);
    await waitUntil('containerd', () => containerdAnswers(layout.containerdSocket), { process: containerd.current(), timeoutMs: 30_000 });
    // Sandboxes of a node that crashed: the kubelet recreates what it should run. containerd answers before its CRI
    // plugin does (`server is not initialized yet`): retried until the CRI answers.
    const removeSandboxes = async () => {
      await crictl(['rmp', '--all', '--force']);
      return true;
    };
    await waitUntil('containerd CRI', removeSandboxes, { process: containerd.current(), timeoutMs: 30_000, intervalMs: 250 });
    const imported = await importImages(layout.containerdSocket, join(layout.dataDir, 'imported-images'));
    if (imported.length > 0) progress(`imported images: ${imported.join(', ')}`);

    progress('starting kubelet and kube-proxy');
    const startKubelet = () =>
      start('kubelet', tools.kubelet, [
        `--config=${layout.kubeletConfig}`,
        `--kubeconfig=${options.kubeconfigPath}`,
        `--root-dir=${layout.kubeletRootDir}`,
        `--cert-dir=${join(layout.kubeletRootDir, 'pki')}`,
        `--hostname-override=${name}`,
        `--node-ip=${network.nodeIp}`,
        `--node-labels=${[`${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`, ...spec.labels].join(',')}`,
        // A crash-looping container's status stays `terminated` between restarts, so `kubectl logs --previous` asks
        // for the instance before it: keep two dead instances, not one (no KubeletConfiguration field for this).
        '--maximum-dead-containers-per-container=2',
        '--v=1',
      ]);
    const kubelet = supervise('kubelet', { start: startKubelet, progress });
    processes.set('kubelet', kubelet);
    processes.set(
      'kube-proxy',
      supervise('kube-proxy', {
        start: () => start('kube-proxy', tools.kubeProxy, [`--config=${layout.kubeProxyConfig}`, '--v=1']),
        progress,
      }),
    );

    progress('waiting for the node to be Ready');
    await waitUntil(
      'real node Ready',
      async () => {
        const status = await kubectl(['get', 'node', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
        return status.trim() === 'True';
      },
      { process: kubelet.current(), timeoutMs: 120_000, intervalMs: 500 },
    );
    // The kubelet registers with the not-ready taint; the node-lifecycle controller that would lift it is off in
    // the sim cluster (kwok nodes have no kubelet), so the node lifts it itself once Ready.
    await kubectl(['taint', 'node', name, 'node.kubernetes.io/not-ready:NoSchedule-']).catch(() => {});
  })();
  ready.catch(() => {}); // awaited by the caller; a failure must not go unhandled before that
  return { name, nodeIp: network.nodeIp, layout, crictl, process: (processName) => processes.get(processName)!, ready, stop };
}

async function apiServerUrl(kubectl: (args: string[]) => Promise<string>): Promise<string> {
  return (await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
}

async function containerdAnswers(socket: string): Promise<boolean> {
  try {
    await run('ctr', ['--address', socket, '--timeout', '2s', 'version'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Everything of the second node (pool b) on the machine: its processes and pods, mounts, cgroup root, network
 * namespace (with its iptables, ipsets and conntrack table), veth and guard chains; safe when none of it is there.
 */
async function removeSecondNodeLeftovers(layout: RealNodeLayout): Promise<void> {
  await killNodeProcesses(layout.dataDir, SECOND_NODE.cgroupRoot);
  for (const mountPoint of mountsUnder(layout.dataDir)) await run('umount', ['-l', mountPoint]).catch(() => {});
  await removeCgroupTree(SECOND_NODE.cgroupRoot);
  await removeSecondNodeNetwork();
  rmSync(join(layout.dataDir, 'cni-ipam'), { recursive: true, force: true });
  rmSync(layout.podLogsDir, { recursive: true, force: true });
  removeContainerLogLinks(layout.podLogsDir);
}

/** The second node's kubelet refuses a cgroup root that does not exist: made in every v1 hierarchy. */
function createCgroupRoot(name: string): void {
  for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
    if (hierarchy === 'unified') continue;
    try {
      mkdirSync(join('/sys/fs/cgroup', hierarchy, name), { recursive: true });
    } catch {
      /* not a hierarchy */
    }
  }
}

/** Everything a node leaves on the machine besides its processes; safe to run when none of it is there. */
async function removeHostLeftovers(layout: RealNodeLayout, sysctlsFile: string, kubeProxy: string): Promise<void> {
  // kube-proxy's own cleanup removes its KUBE-* iptables chains (and nftables/ipvs ones, if any); the rest of
  // KUBE-* are the kubelet's and kube-router's, whose ipsets can go once no rule uses them.
  await run(kubeProxy, ['--cleanup'], { timeout: 30_000 }).catch(() => {});
  await removeKubeChains();
  await removeNetworkPolicyIpsets();
  for (const mountPoint of mountsUnder(layout.dataDir)) await run('umount', ['-l', mountPoint]).catch(() => {});
  await removeKubepodsCgroups();
  await removeHostNetwork(sysctlsFile);
  rmSync(join(layout.dataDir, 'cni-ipam'), { recursive: true, force: true });
  rmSync(layout.podLogsDir, { recursive: true, force: true });
  removeContainerLogLinks(layout.podLogsDir);
}

/** The kubelet links each container's log into /var/log/containers (a fixed path): remove the links to ours. */
function removeContainerLogLinks(podLogsDir: string): void {
  const dir = '/var/log/containers';
  let links: string[];
  try {
    links = readdirSync(dir);
  } catch {
    return;
  }
  for (const link of links) {
    const target = (() => {
      try {
        return readlinkSync(join(dir, link));
      } catch {
        return '';
      }
    })();
    if (target.startsWith(`${podLogsDir}/`)) rmSync(join(dir, link), { force: true });
  }
}

function mountsUnder(dir: string): string[] {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => Boolean(point?.startsWith(`${dir}/`)));
  return mountPoints.sort((a, b) => b.length - a.length);
}

/** The kubelet's cgroupfs tree (`kubepods` in each v1 hierarchy), deepest first; only empty groups go. */
async function removeKubepodsCgroups(): Promise<void> {
  await removeCgroupTree('kubepods');
}

async function removeCgroupTree(name: string): Promise<void> {
  await run('sh', [
    '-c',
    `for d in /sys/fs/cgroup/*/${name}; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done; true`,
  ]).catch(() => {});
}
