// The second real node's network (SECOND_NODE, pool b), built like a kind node's: a network namespace of its own
// holding its bridge and pod subnet, joined to the machine by a veth pair. Its containerd, kubelet and kube-proxy run
// inside it (nsenter), so its iptables chains, ipsets, conntrack table and ports (10250, 10248, 10256, ...) are its
// own and never clash with the first node's. The machine routes between the two pod subnets unmasqueraded, so a
// NetworkPolicy sees the real peer pod. The sim apiserver listens on the machine's loopback only: inside the
// namespace, connections to 127.0.0.1:<apiserver port> are DNATed to the machine's end of the veth, where a
// forwarder (started here, in this process) hands them to loopback; so every kubeconfig that names loopback works
// unchanged in the namespace, the NetworkPolicy enforcer's host-network pod's too. Cluster DNS stays the first
// node's CoreDNS. Guards as on the first node: pods of pool b reach only pods of pool a and cluster DNS through the
// machine; the machine (apiserver, metrics-server) reaches pool b's kubelet and pods, nothing else does.
// removeSecondNodeNetwork undoes all of it and is safe when nothing (or half) of it is there.
import { execFile } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { REAL_NODE_NETWORK, SECOND_NODE } from './config.ts';

const run = promisify(execFile);
const { netns, hostVeth, nodeVeth, transitHostIp, transitNodeIp, transitPrefixLength, network } = SECOND_NODE;
const HOST_FORWARD = 'FL-REAL-POOL-FORWARD';
const HOST_INPUT = 'FL-REAL-POOL-INPUT';
const NODE_FORWARD = 'FL-REAL-NODE-FORWARD';
const NODE_INPUT = 'FL-REAL-NODE-INPUT';
const NODE_API = 'FL-REAL-NODE-API';

const sh = async (command: string, args: string[]) => (await run(command, args)).stdout;
const inNetns = (command: string, args: string[]) => sh('ip', ['netns', 'exec', netns, command, ...args]);
const quietly = (promise: Promise<unknown>) =>
  promise.then(
    () => true,
    () => false,
  );

/** A command run inside the second node's network namespace (nsenter execs it: the pid is the command's). */
export function inSecondNodeNetns(command: string, args: string[]): [string, string[]] {
  return ['nsenter', [`--net=/run/netns/${netns}`, '--', command, ...args]];
}

/** Creates the namespace, the veth pair, the bridge, the routes, the guards and the apiserver's path. */
export async function createSecondNodeNetwork(apiPort: number): Promise<void> {
  await removeSecondNodeNetwork();
  await sh('ip', ['netns', 'add', netns]);
  await sh('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nodeVeth, 'netns', netns]);
  await sh('ip', ['addr', 'add', `${transitHostIp}/${transitPrefixLength}`, 'dev', hostVeth]);
  await sh('ip', ['link', 'set', hostVeth, 'up']);
  const ipn = (args: string[]) => sh('ip', ['-n', netns, ...args]);
  await ipn(['link', 'set', 'lo', 'up']);
  await ipn(['addr', 'add', `${transitNodeIp}/${transitPrefixLength}`, 'dev', nodeVeth]);
  await ipn(['link', 'set', nodeVeth, 'up']);
  await ipn(['link', 'add', network.bridge, 'type', 'bridge']);
  await ipn(['addr', 'add', `${network.nodeIp}/${network.prefixLength}`, 'dev', network.bridge]);
  await ipn(['link', 'set', network.bridge, 'up']);
  await ipn(['route', 'add', 'default', 'via', transitHostIp]);
  await sh('ip', ['route', 'add', network.podSubnet, 'via', transitNodeIp, 'dev', hostVeth]);
  // A new namespace starts with forwarding off; bridged traffic must pass iptables (kube-proxy, kube-router);
  // route_localnet lets the DNATed apiserver connections leave with their loopback source (then SNATed).
  for (const [path, value] of [
    ['net/ipv4/ip_forward', '1'],
    ['net/bridge/bridge-nf-call-iptables', '1'],
    ['net/ipv4/conf/all/route_localnet', '1'],
  ] as const) {
    await inNetns('sh', ['-c', `echo ${value} > /proc/sys/${path}`]);
  }
  const iptablesN = (args: string[]) => inNetns('iptables', ['-w', ...args]);
  const to = `${transitHostIp}:${apiPort}`;
  await iptablesN(['-t', 'nat', '-N', NODE_API]);
  await iptablesN([
    '-t',
    'nat',
    '-A',
    NODE_API,
    '-d',
    '127.0.0.1/32',
    '-p',
    'tcp',
    '--dport',
    String(apiPort),
    '-j',
    'DNAT',
    '--to-destination',
    to,
  ]);
  await iptablesN(['-t', 'nat', '-I', 'OUTPUT', '1', '-j', NODE_API]);
  await iptablesN([
    '-t',
    'nat',
    '-I',
    'POSTROUTING',
    '1',
    '-s',
    '127.0.0.1/32',
    '-d',
    `${transitHostIp}/32`,
    '-j',
    'SNAT',
    '--to-source',
    transitNodeIp,
  ]);

  // Inside: pods talk among themselves, to pool a's pods (and its cluster DNS) and hear from them and the machine.
  const established = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];
  const { bridge } = network;
  const peerSubnet = REAL_NODE_NETWORK.podSubnet;
  await iptablesN(['-t', 'mangle', '-N', NODE_FORWARD]);
  for (const rule of [
    ['-i', bridge, '-o', bridge, '-j', 'RETURN'],
    [...established, '-j', 'RETURN'],
    ['-i', bridge, '-o', nodeVeth, '-d', peerSubnet, '-j', 'RETURN'],
    ['-i', nodeVeth, '-o', bridge, '-s', peerSubnet, '-j', 'RETURN'],
    ['-i', nodeVeth, '-o', bridge, '-s', `${transitHostIp}/32`, '-j', 'RETURN'],
    ['-j', 'DROP'],
  ]) {
    await iptablesN(['-t', 'mangle', '-A', NODE_FORWARD, ...rule]);
  }
  await iptablesN(['-t', 'mangle', '-I', 'FORWARD', '1', '-j', NODE_FORWARD]);
  // The node's own ports (its kubelet): the machine only, never a pod.
  await iptablesN(['-t', 'mangle', '-N', NODE_INPUT]);
  for (const rule of [
    [...established, '-j', 'RETURN'],
    ['-i', nodeVeth, '-s', `${transitHostIp}/32`, '-j', 'RETURN'],
    ['-i', 'lo', '-j', 'RETURN'],
    ['-j', 'DROP'],
  ]) {
    await iptablesN(['-t', 'mangle', '-A', NODE_INPUT, ...rule]);
  }
  await iptablesN(['-t', 'mangle', '-I', 'INPUT', '1', '-j', NODE_INPUT]);

  // On the machine: pool b's traffic goes to pool a's bridge only (and back); of the machine's ports it reaches
  // the apiserver's forwarder (from the node itself) and cluster DNS on pool a's node address.
  const dns = ['udp', 'tcp'].map((protocol) => ['-p', protocol, '-d', `${REAL_NODE_NETWORK.nodeIp}/32`, '--dport', '53']);
  const api = ['-s', `${transitNodeIp}/32`, '-d', `${transitHostIp}/32`, '-p', 'tcp', '--dport', String(apiPort)];
  const hostChains: [string, string, string[][]][] = [
    [
      'mangle',
      HOST_FORWARD,
      [
        ['-i', REAL_NODE_NETWORK.bridge, '-o', hostVeth, '-j', 'ACCEPT'],
        ['-i', hostVeth, '-o', REAL_NODE_NETWORK.bridge, '-j', 'ACCEPT'],
        ['-i', hostVeth, '-j', 'DROP'],
        ['-o', hostVeth, '-j', 'DROP'],
      ],
    ],
    [
      'mangle',
      HOST_INPUT,
      [[...established, '-j', 'RETURN'], [...api, '-j', 'RETURN'], ...dns.map((m) => [...m, '-j', 'RETURN']), ['-j', 'DROP']],
    ],
    // In filter only what passes, for a machine whose policies drop; the NetworkPolicy enforcer inserts its jump
    // before these once it starts, so it has its say first.
    [
      'filter',
      HOST_FORWARD,
      [
        ['-i', REAL_NODE_NETWORK.bridge, '-o', hostVeth, '-j', 'ACCEPT'],
        ['-i', hostVeth, '-o', REAL_NODE_NETWORK.bridge, '-j', 'ACCEPT'],
      ],
    ],
    ['filter', HOST_INPUT, [[...established, '-j', 'ACCEPT'], [...api, '-j', 'ACCEPT'], ...dns.map((m) => [...m, '-j', 'ACCEPT'])]],
  ];
  for (const [table, chain, rules] of hostChains) {
    await sh('iptables', ['-w', '-t', table, '-N', chain]);
    for (const rule of rules) await sh('iptables', ['-w', '-t', table, '-A', chain, ...rule]);
    const jump = chain === HOST_FORWARD ? ['FORWARD', '1'] : ['INPUT', '1', '-i', hostVeth];
    await sh('iptables', ['-w', '-t', table, '-I', ...jump, '-j', chain]);
  }
}

/**
 * Hands connections to the machine's end of the veth, on the apiserver's port, to the apiserver on loopback;
 * resolves with its stop.
 */
export async function forwardApiServer(apiPort: number): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection({ host: '127.0.0.1', port: apiPort });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(apiPort, transitHostIp, resolve);
  });
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** Removes the machine's guard chains, the veth pair (and with it the route) and the namespace. */
export async function removeSecondNodeNetwork(): Promise<void> {
  for (const table of ['mangle', 'filter']) {
    while (await quietly(sh('iptables', ['-w', '-t', table, '-D', 'FORWARD', '-j', HOST_FORWARD])));
    while (await quietly(sh('iptables', ['-w', '-t', table, '-D', 'INPUT', '-i', hostVeth, '-j', HOST_INPUT])));
    for (const chain of [HOST_FORWARD, HOST_INPUT]) {
      await quietly(sh('iptables', ['-w', '-t', table, '-F', chain]));
      await quietly(sh('iptables', ['-w', '-t', table, '-X', chain]));
    }
  }
  await quietly(sh('ip', ['link', 'delete', hostVeth]));
  await quietly(sh('ip', ['netns', 'delete', netns]));
}

/** What of the second node's network is on the machine: its namespace, its veth, its guard chains. */
export async function secondNodeNetworkLeftovers(): Promise<string[]> {
  const namespaces = (await sh('ip', ['netns', 'list']).catch(() => '')).split('\n').filter((line) => line.split(' ')[0] === netns);
  const veth = (await sh('ip', ['-o', 'link', 'show', hostVeth]).catch(() => '')).split('\n').filter(Boolean);
  const chains = (await sh('iptables-save', []).catch(() => '')).split('\n').filter((line) => line.includes('FL-REAL-POOL'));
  return [...namespaces, ...veth, ...chains];
}
