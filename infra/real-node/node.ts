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
  REAL_NODE_LABEL,
  REAL_NODE_NAME,
  REAL_NODE_NETWORK,
  cniConflist,
  containerdConfig,
  kubeProxyConfiguration,
  kubeletConfiguration,
  realNodeLayout,
  type RealNodeLayout,
} from './config.ts';
import { deployNodeAddons } from './addons.ts';
import type { ClusterCertificates } from '../sim-cluster/cluster-pki.ts';
import { NETWORK_POLICY_TABLE } from './network-policies.ts';
import { createHostNetwork, removeHostNetwork, removeKubeChains } from './host-network.ts';
import { sweepStaleConntrack } from './conntrack-sweeper.ts';
import { importImages } from './images.ts';
import { killNodeProcesses, otherRealNodes } from './node-processes.ts';
import { supervise, type SupervisedProcess } from './supervisor.ts';

const run = promisify(execFile);

export interface RealNodeOptions {
  /** Where everything of the node lives (the stack uses .data/real-node). */
  dataDir: string;
  /** An admin kubeconfig of the sim cluster, for the kubelet and kube-proxy. */
  kubeconfigPath: string;
  /** The sim cluster's CA and certificates (SimCluster.certificates): the kubelet's and metrics-server's. */
  certificates: ClusterCertificates;
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
  stop(): Promise<void>;
}

export type NodeProcessName = 'containerd' | 'kubelet' | 'kube-proxy';

export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  if (process.getuid?.() !== 0) throw new Error('the real node needs root (containerd, network bridge, iptables)');
  const layout = realNodeLayout(options.dataDir);
  const sysctlsFile = join(layout.dataDir, 'saved-sysctls.json');
  for (const dir of [layout.logs, layout.cniConfDir, layout.kubeletRootDir]) mkdirSync(dir, { recursive: true });
  const tools = {
    kubelet: requireTool('kubelet'),
    kubeProxy: requireTool('kube-proxy'),
    crictl: requireTool('crictl'),
    kubectl: requireTool('kubectl'),
  };
  // Stopping a sandbox runs CNI DEL and waits for its processes: far more than crictl's default 2 s on a busy machine.
  const crictl = async (args: string[]) =>
    (await run(tools.crictl, ['--config', layout.crictlConfig, ...args], { timeout: 120_000 })).stdout;
  const kubectl = async (args: string[]) =>
    (await run(tools.kubectl, ['--kubeconfig', options.kubeconfigPath, ...args], { timeout: 15_000 })).stdout;

  const others = otherRealNodes(layout.dataDir);
  if (others.length > 0) throw new Error(`another real node runs on this machine (${others.join(', ')}): there can be only one`);
  if (await containerdAnswers(layout.containerdSocket)) {
    throw new Error(`a real node is already running on ${layout.containerdSocket} (stop it first)`);
  }
  // A node that crashed leaves mounts, cgroups and rules behind: take them down before building anew.
  await removeHostLeftovers(layout, sysctlsFile, tools.kubeProxy);

  writeFileSync(layout.containerdConfig, containerdConfig(layout));
  writeFileSync(
    layout.crictlConfig,
    `runtime-endpoint: unix://${layout.containerdSocket}\nimage-endpoint: unix://${layout.containerdSocket}\ntimeout: 90\n`,
  );
  writeFileSync(join(layout.cniConfDir, '10-failurelib.conflist'), JSON.stringify(cniConflist(layout), null, 2));
  writeFileSync(
    layout.kubeletConfig,
    JSON.stringify(
      kubeletConfiguration(layout, { certificates: options.certificates, clusterDns: REAL_NODE_NETWORK.clusterDnsIp }),
      null,
      2,
    ),
  );
  writeFileSync(layout.kubeProxyConfig, JSON.stringify(kubeProxyConfiguration(options.kubeconfigPath), null, 2));

  const processes = new Map<NodeProcessName, SupervisedProcess>();
  const startContainerd = () =>
    startProcess('containerd', requireTool('containerd'), ['--config', layout.containerdConfig], {
      logFile: join(layout.logs, 'containerd.log'),
    });
  let stopSweeping: (() => Promise<void>) | undefined;
  let stopMetricsApi: (() => Promise<void>) | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await stopSweeping?.();
      await stopMetricsApi?.();
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
      // Whatever the CRI could not remove (containerd would not start): the pods' processes and their shims.
      await killNodeProcesses(layout.dataDir);
      await removeHostLeftovers(layout, sysctlsFile, tools.kubeProxy);
      await kubectl(['delete', 'node', REAL_NODE_NAME, '--ignore-not-found', '--wait=false']).catch(() => {});
    })();
    return stopped;
  };

  try {
    progress('creating the node bridge');
    await createHostNetwork(sysctlsFile);
    stopSweeping = sweepStaleConntrack(join(layout.dataDir, 'cni-ipam'));
    progress('starting containerd');
    const containerd = supervise('containerd', { start: startContainerd, progress });
    processes.set('containerd', containerd);
    await waitUntil('containerd', () => containerdAnswers(layout.containerdSocket), { process: containerd.current(), timeoutMs: 30_000 });
    await crictl(['rmp', '--all', '--force']); // sandboxes of a node that crashed: the kubelet recreates what it should run
    const imported = await importImages(layout.containerdSocket, join(layout.dataDir, 'imported-images'));
    if (imported.length > 0) progress(`imported images: ${imported.join(', ')}`);

    progress('starting kubelet and kube-proxy');
    const startKubelet = () =>
      startProcess(
        'kubelet',
        tools.kubelet,
        [
          `--config=${layout.kubeletConfig}`,
          `--kubeconfig=${options.kubeconfigPath}`,
          `--root-dir=${layout.kubeletRootDir}`,
          `--cert-dir=${join(layout.kubeletRootDir, 'pki')}`,
          `--hostname-override=${REAL_NODE_NAME}`,
          `--node-ip=${REAL_NODE_NETWORK.nodeIp}`,
          `--node-labels=${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
          // A crash-looping container's status stays `terminated` between restarts, so `kubectl logs --previous` asks
          // for the instance before it: keep two dead instances, not one (no KubeletConfiguration field for this).
          '--maximum-dead-containers-per-container=2',
          '--v=1',
        ],
        { logFile: join(layout.logs, 'kubelet.log') },
      );
    const kubelet = supervise('kubelet', { start: startKubelet, progress });
    processes.set('kubelet', kubelet);
    processes.set(
      'kube-proxy',
      supervise('kube-proxy', {
        start: () =>
          startProcess('kube-proxy', tools.kubeProxy, [`--config=${layout.kubeProxyConfig}`, '--v=1'], {
            logFile: join(layout.logs, 'kube-proxy.log'),
          }),
        progress,
      }),
    );

    progress('waiting for the node to be Ready');
    await waitUntil(
      'real node Ready',
      async () => {
        const status = await kubectl(['get', 'node', REAL_NODE_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
        return status.trim() === 'True';
      },
      { process: kubelet.current(), timeoutMs: 120_000, intervalMs: 500 },
    );
    // The kubelet registers with the not-ready taint; the node-lifecycle controller that would lift it is off in
    // the sim cluster (kwok nodes have no kubelet), so the node lifts it itself once Ready.
    await kubectl(['taint', 'node', REAL_NODE_NAME, 'node.kubernetes.io/not-ready:NoSchedule-']).catch(() => {});
    const readySeconds = (Date.now() - started) / 1000;
    stopMetricsApi = await deployNodeAddons({
      kubectl,
      configDir: join(layout.dataDir, 'config'),
      certificates: options.certificates,
      progress,
      watched: kubelet.current(),
    });
    return {
      name: REAL_NODE_NAME,
      nodeIp: REAL_NODE_NETWORK.nodeIp,
      layout,
      readySeconds,
      dnsReadySeconds: (Date.now() - started) / 1000,
      crictl,
      process: (name) => processes.get(name)!,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function containerdAnswers(socket: string): Promise<boolean> {
  try {
    await run('ctr', ['--address', socket, '--timeout', '2s', 'version'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Everything a node leaves on the machine besides its processes; safe to run when none of it is there. */
async function removeHostLeftovers(layout: RealNodeLayout, sysctlsFile: string, kubeProxy: string): Promise<void> {
  // kube-proxy's own cleanup removes its KUBE-* iptables chains (and nftables/ipvs ones, if any).
  await run(kubeProxy, ['--cleanup'], { timeout: 30_000 }).catch(() => {});
  await removeKubeChains();
  await run('nft', ['delete', 'table', NETWORK_POLICY_TABLE.family, NETWORK_POLICY_TABLE.name]).catch(() => {});
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
  await run('sh', [
    '-c',
    'for d in /sys/fs/cgroup/*/kubepods; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done; true',
  ]).catch(() => {});
}
