// A deleted pod's connections stay in the kernel's conntrack table (TIME_WAIT for two minutes, UDP flows as long as
// traffic comes), and its IP goes to the next pod: a new session would inherit them. CNI's bridge plugin does not
// flush them, so the node does: every few seconds it deletes the entries of pod IPs that host-local no longer
// has allocated (the node's own IP is never a pod's).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { REAL_NODE_NETWORK } from './config.ts';

const run = promisify(execFile);
const POD_PREFIX = REAL_NODE_NETWORK.podSubnet.replace(/\.0\/24$/, '.');

/** Starts sweeping; the returned function stops it. */
export function sweepStaleConntrack(ipamDir: string, intervalMs = 3000): () => Promise<void> {
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One sweep at a time: a slow one (a large table) is not stacked on.
    sweeping ??= deleteStaleConntrack(ipamDir).then(
      () => void (sweeping = undefined),
      () => void (sweeping = undefined),
    );
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await sweeping;
  };
}

/** Deletes the conntrack entries of pod-subnet IPs that no pod holds; resolves with those IPs. */
export async function deleteStaleConntrack(ipamDir: string): Promise<string[]> {
  const listed = (await run('conntrack', ['-L'], { maxBuffer: 64 * 1024 * 1024 }).catch(() => ({ stdout: '' }))).stdout;
  const seen = new Set([...listed.matchAll(/(?:src|dst)=(\d+\.\d+\.\d+\.\d+)/g)].map((match) => match[1]!));
  const stale = [...seen].filter((ip) => ip.startsWith(POD_PREFIX) && ip !== REAL_NODE_NETWORK.nodeIp);
  const allocated = allocatedIps(ipamDir);
  const freed = stale.filter((ip) => !allocated.has(ip));
  for (const ip of freed) {
    // Either direction: as the original source or as the reply's (a Service's DNAT target).
    await run('conntrack', ['-D', '-s', ip]).catch(() => {});
    await run('conntrack', ['-D', '-r', ip]).catch(() => {});
    await run('conntrack', ['-D', '-d', ip]).catch(() => {});
  }
  return freed;
}

function allocatedIps(ipamDir: string): Set<string> {
  try {
    return new Set(readdirSync(ipamDir, { recursive: true, encoding: 'utf8' }).map((path) => path.split('/').at(-1)!));
  } catch {
    return new Set();
  }
}
