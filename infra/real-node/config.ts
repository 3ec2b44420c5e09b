// The real node's configuration files, as plain data: containerd's config, the CNI network, the kubelet's and
// kube-proxy's. Everything it writes or keeps lives under its data dir, so it never clashes with a containerd
// or kubelet the machine may run itself.
import { join } from 'node:path';
import { REAL_NODE_LABEL, REAL_NODE_TAINT } from '../../cluster/placement.ts';
import type { ClusterCertificates } from '../sim-cluster/cluster-pki.ts';

/** The node's fixed network: a bridge of its own with a private pod subnet; the gateway is the node's IP. */
export const REAL_NODE_NETWORK = {
  bridge: 'flrn0',
  podSubnet: '10.250.0.0/24',
  nodeIp: '10.250.0.1',
  prefixLength: 24,
  /** The sim apiserver's --service-cluster-ip-range, and the cluster DNS address inside it. */
  serviceCidr: '10.96.0.0/16',
  clusterDnsIp: '10.96.0.10',
} as const;

export const REAL_NODE_NAME = 'failurelib-real-node';
/** Pods land on the real node only if they select its label and tolerate its taint (kwok pods never do). */
export { REAL_NODE_LABEL, REAL_NODE_TAINT };

/** The node pools a system can be pinned to (multi-cloud's clouds), by this node label. */
export const POOL_LABEL_KEY = 'topology.failurelib.dev/cloud';
export type RealNodePool = 'a' | 'b';

/**
 * The second real node (pool b): like a kind node, it lives in a network namespace of its own, joined to the
 * machine by a veth pair (`hostVeth` on the machine, `eth0` inside), so its kube-proxy, NetworkPolicy enforcer and
 * bridge have their own iptables, ipsets, conntrack table and ports. Its pods route to the first node's through the
 * machine, unmasqueraded; it reaches the sim apiserver (on the machine's loopback) through `transitHostIp`.
 */
export const SECOND_NODE = {
  name: 'failurelib-real-node-b',
  netns: 'flrn-b',
  hostVeth: 'flrnb0',
  nodeVeth: 'eth0',
  transitHostIp: '10.250.254.1',
  transitNodeIp: '10.250.254.2',
  transitPrefixLength: 30,
  network: { ...REAL_NODE_NETWORK, podSubnet: '10.250.1.0/24', nodeIp: '10.250.1.1' },
  /** Its kubelet's cgroup root (the first node's pods are in /kubepods of every hierarchy). */
  cgroupRoot: 'failurelib-b',
  /** Its data dir, inside the first node's. */
  dataDirName: 'pool-b',
} as const;

export interface RealNodeNetwork {
  bridge: string;
  podSubnet: string;
  nodeIp: string;
  prefixLength: number;
  serviceCidr: string;
  clusterDnsIp: string;
}
/** Images built by infra/images/build.sh are named localhost/failurelib/<name>:local. */
export const imageName = (name: string) => `localhost/failurelib/${name}:local`;
export const SANDBOX_IMAGE = imageName('pause');
export const KUBELET_PORT = 10250;

export interface RealNodeLayout {
  dataDir: string;
  containerdSocket: string;
  containerdConfig: string;
  cniConfDir: string;
  cniBinDir: string;
  kubeletConfig: string;
  kubeletRootDir: string;
  podLogsDir: string;
  kubeProxyConfig: string;
  crictlConfig: string;
  logs: string;
}

export function realNodeLayout(dataDir: string): RealNodeLayout {
  return {
    dataDir,
    containerdSocket: join(dataDir, 'containerd', 'containerd.sock'),
    containerdConfig: join(dataDir, 'config', 'containerd.toml'),
    cniConfDir: join(dataDir, 'config', 'cni'),
    cniBinDir: '/usr/lib/cni',
    kubeletConfig: join(dataDir, 'config', 'kubelet.yaml'),
    kubeletRootDir: join(dataDir, 'kubelet'),
    podLogsDir: join(dataDir, 'pod-logs'),
    kubeProxyConfig: join(dataDir, 'config', 'kube-proxy.yaml'),
    crictlConfig: join(dataDir, 'config', 'crictl.yaml'),
    logs: join(dataDir, 'logs'),
  };
}

const toml = (value: string) => JSON.stringify(value);

export function containerdConfig(layout: RealNodeLayout): string {
  const dir = join(layout.dataDir, 'containerd');
  return `# Written by infra/real-node/config.ts on every start.
version = 2
root = ${toml(join(dir, 'root'))}
state = ${toml(join(dir, 'state'))}
# Shims outlive containerd by design; the node removes every sandbox before it stops containerd.
[grpc]
  address = ${toml(layout.containerdSocket)}
[ttrpc]
  address = ${toml(`${layout.containerdSocket}.ttrpc`)}
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${toml(join(dir, 'opt'))}
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = ${toml(SANDBOX_IMAGE)}
    # This VM grants no CAP_SYS_RESOURCE: lowering oom_score_adj fails and every sandbox with it.
    restrict_oom_score_adj = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    # Pods' network namespaces under the node's state dir, not /run/netns.
    netns_mounts_under_state_dir = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = ${toml(layout.cniBinDir)}
      conf_dir = ${toml(layout.cniConfDir)}
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = ${toml(join(dir, 'runc'))}
`;
}

export function cniConflist(layout: RealNodeLayout, network: RealNodeNetwork = REAL_NODE_NETWORK): object {
  const { bridge, podSubnet, nodeIp } = network;
  return {
    cniVersion: '1.0.0',
    name: 'failurelib-real-node',
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        hairpinMode: true,
        // No masquerade: pod traffic never leaves the machine (host-network.ts drops it at the bridge).
        ipMasq: false,
        ipam: {
          type: 'host-local',
          dataDir: join(layout.dataDir, 'cni-ipam'),
          ranges: [[{ subnet: podSubnet, gateway: nodeIp }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

export interface KubeletOptions {
  certificates: ClusterCertificates;
  clusterDns: string;
  /** The second node's (SECOND_NODE); the first node's by default. */
  network?: RealNodeNetwork;
  /** The cgroup its pods go under (`kubepods` inside it); the hierarchies' root by default. */
  cgroupRoot?: string;
}

export function kubeletConfiguration(layout: RealNodeLayout, options: KubeletOptions): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: (options.network ?? REAL_NODE_NETWORK).nodeIp,
    ...(options.cgroupRoot ? { cgroupRoot: `/${options.cgroupRoot}` } : {}),
    port: KUBELET_PORT,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    // Only holders of a client certificate of the cluster's CA (infra/sim-cluster/cluster-pki.ts: the apiserver,
    // metrics-server) may call the kubelet: pods on the bridge reach this address too. It serves a certificate of
    // that CA, so metrics-server verifies it.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: options.certificates.caFile } },
    tlsCertFile: options.certificates.kubeletServing.certFile,
    tlsPrivateKeyFile: options.certificates.kubeletServing.keyFile,
    authorization: { mode: 'AlwaysAllow' },
    containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    podLogsDir: layout.podLogsDir,
    // The machine mounts cgroup v1 hierarchies; kubelet >= 1.35 refuses v1 unless told (see the README).
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    registerWithTaints: [REAL_NODE_TAINT],
    clusterDNS: [options.clusterDns],
    clusterDomain: 'cluster.local',
    // Images cannot be pulled again here: never garbage-collect them, and evict only when really short.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    serializeImagePulls: false,
    staticPodPath: '',
    maxPods: 110,
    shutdownGracePeriod: '0s',
  };
}

export function kubeProxyConfiguration(
  kubeconfigPath: string,
  node: { name: string; network: RealNodeNetwork } = { name: REAL_NODE_NAME, network: REAL_NODE_NETWORK },
): object {
  const { nodeIp, podSubnet } = node.network;
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    // Its own nftables table, not the iptables filter table: kube-router's policy sync saves and restores that
    // whole table (iptables-restore without --noflush, kube-router issue #1372), and a restore from a save taken
    // before kube-proxy's last sync brought back REJECT rules of deleted Services until kube-proxy's next sync.
    mode: 'nftables',
    clientConnection: { kubeconfig: kubeconfigPath },
    hostnameOverride: node.name,
    bindAddress: nodeIp,
    clusterCIDR: podSubnet,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    // NodePorts only on the node's bridge address, never on the machine's own interfaces.
    nodePortAddresses: [`${nodeIp}/32`],
    nftables: { masqueradeAll: false },
    // Leave the machine's conntrack sysctls as they are.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  };
}
