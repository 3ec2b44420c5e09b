// The last resort of a node whose containerd is gone for good: the CRI can no longer stop the pods, so their
// processes (in the kubelet's `kubepods` cgroups) and containerd's shims (whose command line names the node's
// socket, under its data dir) are killed directly. Nothing else on the machine matches either.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function killNodeProcesses(dataDir: string, podsCgroup = 'kubepods'): Promise<number[]> {
  // The kubepods cgroups are the machine's: while another checkout's node runs, they hold its pods.
  const pods = otherRealNodes(dataDir).length === 0 ? kubepodsProcesses(podsCgroup) : [];
  const pids = new Set<number>([...pods, ...processesNaming(dataDir)]);
  pids.delete(process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return [...pids];
}

/** Every process in the `podsCgroup` cgroup (`kubepods`) of any v1 hierarchy (or of the v2 tree). */
function kubepodsProcesses(podsCgroup: string): number[] {
  const pids: number[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'cgroup.procs') pids.push(...readPids(join(dir, entry.name)));
    }
  };
  let hierarchies: string[] = [];
  try {
    hierarchies = readdirSync('/sys/fs/cgroup');
  } catch {
    return [];
  }
  for (const hierarchy of hierarchies) walk(join('/sys/fs/cgroup', hierarchy, podsCgroup));
  walk(join('/sys/fs/cgroup', podsCgroup));
  return pids;
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function processesNaming(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(join('/proc', pid, 'cmdline'), 'utf8')
          .split('\0')
          .some((arg) => arg.includes(dataDir));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * The data dirs of other real nodes running on this machine (another checkout's): there can be only one, as they
 * share the bridge, the kubelet's ports, the `kubepods` cgroups and the iptables chains, and a start would tear down
 * what it takes for a crashed node's leftovers.
 */
export function otherRealNodes(dataDir: string): string[] {
  const dirs = new Set<string>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let args: string[];
    try {
      args = readFileSync(join('/proc', pid, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    for (const arg of args) {
      const match = /(?:^|=)(\/\S+)\/config\/(?:containerd\.toml|kubelet\.yaml)$/.exec(arg);
      // A node's second pool lives inside its data dir (SECOND_NODE.dataDirName): the same node, not another.
      if (match && match[1] !== dataDir && !match[1]!.startsWith(`${dataDir}/`) && !dataDir.startsWith(`${match[1]}/`)) dirs.add(match[1]!);
    }
  }
  return [...dirs];
}
