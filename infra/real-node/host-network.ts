// The real node's piece of the machine's network: its bridge (the node's IP is the bridge's address), the two
// sysctls pod traffic needs, and a guard that keeps pod traffic on the machine. Everything is undone by
// `removeHostNetwork`, which is also safe to run when nothing (or only half of it) is there.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { REAL_NODE_NETWORK } from './config.ts';

const run = promisify(execFile);
const { bridge, nodeIp, prefixLength } = REAL_NODE_NETWORK;
const FORWARD_CHAIN = 'FL-REAL-NODE-FORWARD';
const INPUT_CHAIN = 'FL-REAL-NODE-INPUT';
const SYSCTLS = ['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/bridge/bridge-nf-call-iptables'];

async function sh(command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args);
  return stdout;
}
const quietly = (promise: Promise<unknown>) =>
  promise.then(
    () => true,
    () => false,
  );

/** The guard's chains: what drops, in `mangle`, and what lets pod traffic through a closed machine, in `filter`. */
const GUARD_TABLES = ['mangle', 'filter'] as const;

/**
 * Creates the bridge with the node's IP, turns on forwarding and bridged-traffic filtering (remembering the
 * values found in `savedSysctlsFile`), and adds the guard:
 * - FORWARD: traffic between pods of the bridge passes; anything to or from another interface is dropped,
 *   so nothing is routed off the machine (there is no masquerade either).
 * - INPUT: from pods, the node itself answers only DNS (CoreDNS on the host network); every other port of the
 *   machine (the kubelet, the API, databases on 0.0.0.0) is closed to them.
 * The drops are in the `mangle` table, which the kernel runs before `filter` at the same hook: the NetworkPolicy
 * enforcer (kube-router) keeps its jump first in filter's FORWARD and INPUT and ACCEPTs traffic its policies allow,
 * which would otherwise never reach a guard in `filter`. In `filter` the guard only accepts what it lets pass (on
 * a machine whose FORWARD or INPUT policy drops), after the enforcer had its say.
 */
export async function createHostNetwork(savedSysctlsFile: string): Promise<void> {
  if (!existsSync(savedSysctlsFile)) {
    writeFileSync(savedSysctlsFile, JSON.stringify(Object.fromEntries(SYSCTLS.map((path) => [path, readFileSync(path, 'utf8').trim()]))));
  }
  await run('modprobe', ['br_netfilter']).catch(() => {}); // built in on some kernels; the sysctl below tells
  for (const path of SYSCTLS) writeFileSync(path, '1');
  if (!(await quietly(sh('ip', ['link', 'show', bridge])))) await sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
  const addresses = await sh('ip', ['-4', '-o', 'addr', 'show', 'dev', bridge]);
  if (!addresses.includes(`${nodeIp}/${prefixLength}`)) await sh('ip', ['addr', 'add', `${nodeIp}/${prefixLength}`, 'dev', bridge]);
  await sh('ip', ['link', 'set', bridge, 'up']);

  await removeGuard();
  const dns = ['udp', 'tcp'].map((protocol) => ['-p', protocol, '-d', nodeIp, '--dport', '53']);
  const established = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];
  await addGuardChain(
    'mangle',
    FORWARD_CHAIN,
    ['FORWARD', '1'],
    [
      ['-i', bridge, '-o', bridge, '-j', 'RETURN'],
      ['-i', bridge, '-j', 'DROP'],
      ['-o', bridge, '-j', 'DROP'],
    ],
  );
  await addGuardChain(
    'mangle',
    INPUT_CHAIN,
    ['INPUT', '1', '-i', bridge],
    [[...established, '-j', 'RETURN'], ...dns.map((match) => [...match, '-j', 'RETURN']), ['-j', 'DROP']],
  );
  await addGuardChain('filter', FORWARD_CHAIN, ['FORWARD', '1'], [['-i', bridge, '-o', bridge, '-j', 'ACCEPT']]);
  await addGuardChain(
    'filter',
    INPUT_CHAIN,
    ['INPUT', '1', '-i', bridge],
    [[...established, '-j', 'ACCEPT'], ...dns.map((match) => [...match, '-j', 'ACCEPT'])],
  );
}

/** A chain of `rules` in `table`, jumped to from `jump` (a built-in chain, the position, and a match). */
async function addGuardChain(table: string, chain: string, jump: string[], rules: string[][]): Promise<void> {
  await sh('iptables', ['-w', '-t', table, '-N', chain]);
  for (const rule of rules) await sh('iptables', ['-w', '-t', table, '-A', chain, ...rule]);
  await sh('iptables', ['-w', '-t', table, '-I', ...jump, '-j', chain]);
}

async function removeGuard(): Promise<void> {
  for (const table of GUARD_TABLES) {
    while (await quietly(sh('iptables', ['-w', '-t', table, '-D', 'FORWARD', '-j', FORWARD_CHAIN])));
    while (await quietly(sh('iptables', ['-w', '-t', table, '-D', 'INPUT', '-i', bridge, '-j', INPUT_CHAIN])));
    for (const chain of [FORWARD_CHAIN, INPUT_CHAIN]) {
      await quietly(sh('iptables', ['-w', '-t', table, '-F', chain]));
      await quietly(sh('iptables', ['-w', '-t', table, '-X', chain]));
    }
  }
}

/**
 * Removes every KUBE-* chain and the rules that jump to them, in every table: kube-proxy's (after its own
 * --cleanup) and the kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT), which it never removes;
 * for IPv4 and IPv6.
 */
export async function removeKubeChains(): Promise<void> {
  for (const iptables of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'mangle']) {
      const rules = (await sh(`${iptables}-save`, ['-t', table]).catch(() => '')).split('\n');
      for (const rule of rules.filter((line) => line.startsWith('-A ') && / -j KUBE-/.test(line) && !line.startsWith('-A KUBE-'))) {
        await quietly(sh('sh', ['-c', `${iptables} -w -t ${table} ${rule.replace(/^-A /, '-D ')}`]));
      }
      const chains = rules.map((line) => /^:(KUBE-\S+)/.exec(line)?.[1]).filter((chain): chain is string => Boolean(chain));
      for (const chain of chains) await quietly(sh(iptables, ['-w', '-t', table, '-F', chain]));
      for (const chain of chains) await quietly(sh(iptables, ['-w', '-t', table, '-X', chain]));
    }
  }
}

/** Interfaces attached to the bridge: the host ends of the pods' veths. */
export async function bridgePorts(): Promise<string[]> {
  const out = await sh('ip', ['-o', 'link', 'show', 'master', bridge]).catch(() => '');
  return out
    .split('\n')
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
}

/** Removes the guard, any veth left on the bridge, the bridge, and puts the sysctls back as they were. */
export async function removeHostNetwork(savedSysctlsFile: string): Promise<void> {
  await removeGuard();
  for (const port of await bridgePorts()) await quietly(sh('ip', ['link', 'delete', port]));
  await quietly(sh('ip', ['link', 'delete', bridge]));
  if (existsSync(savedSysctlsFile)) {
    const saved = JSON.parse(readFileSync(savedSysctlsFile, 'utf8')) as Record<string, string>;
    for (const [path, value] of Object.entries(saved)) writeFileSync(path, value);
    rmSync(savedSysctlsFile);
  }
}

export async function bridgeExists(): Promise<boolean> {
  return quietly(sh('ip', ['link', 'show', bridge]));
}
