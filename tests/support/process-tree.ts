// Which processes descend from a process (Linux /proc), to check by pid that nothing a test started is left.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  pid: number;
  ppid: number;
  state: string;
  command: string;
}

function processes(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // The command sits in parentheses and may contain spaces: the fields after it are split.
        const close = stat.lastIndexOf(')');
        const [state, ppid] = stat.slice(close + 2).split(' ');
        return [{ pid: Number(name), ppid: Number(ppid), state: state ?? '?', command: stat.slice(stat.indexOf('(') + 1, close) }];
      } catch {
        return []; // gone while listing
      }
    });
}

/** Every living descendant of `pid` (children, grandchildren, …), with its command name. */
export function descendants(pid: number): { pid: number; command: string }[] {
  const all = processes().filter((entry) => entry.state !== 'Z');
  const found: { pid: number; command: string }[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const entry of all) {
      if (entry.ppid === parent) {
        found.push({ pid: entry.pid, command: entry.command });
        parents.push(entry.pid);
      }
    }
  }
  return found;
}

/** The command line of a process ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Whether a process is still running (an unreaped zombie counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Collects the descendants of `pid` seen every 100 ms until stopped: short-lived ones included. */
export function watchDescendants(pid: number): { seen: Map<number, string>; stop(): void } {
  const seen = new Map<number, string>();
  const look = () => {
    for (const entry of descendants(pid)) seen.set(entry.pid, entry.command);
  };
  look();
  const timer = setInterval(look, 100);
  return {
    seen,
    stop: () => {
      clearInterval(timer);
      look();
    },
  };
}
