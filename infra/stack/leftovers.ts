// The stack's record of the process groups it started (in its data folder), so that a launcher killed
// outright (SIGKILL, a crash: nothing runs its stop) does not leave them running for good: the next launcher
// stops them before it starts anything.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAlive, startedProcessGroups } from '../lib/processes.ts';

interface Record {
  launcher: number;
  groups: { pid: number; command: string }[];
}

export function recordProcessGroups(file: string): void {
  const record: Record = { launcher: process.pid, groups: startedProcessGroups() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record)}\n`);
}

export function forgetProcessGroups(file: string): void {
  rmSync(file, { force: true });
}

/** The executable a process runs ('' once it is gone): a recorded pid that now runs something else is not ours. */
function executableOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/**
 * Stops the groups a previous launcher recorded and left running, unless that launcher is still alive (then
 * it is another stack, and nothing is touched). Returns the commands it stopped.
 */
export async function stopLeftovers(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  let record: Record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as Record;
  } catch {
    return [];
  }
  if (record.launcher !== process.pid && /node/.test(executableOf(record.launcher))) return [];
  const left = record.groups.filter(({ pid, command }) => groupAlive(pid) && executableOf(pid) === command);
  for (const { pid } of left) signalGroup(pid, 'SIGTERM');
  for (let waited = 0; left.some(({ pid }) => groupAlive(pid)) && waited < 5000; waited += 100) await sleep(100);
  for (const { pid } of left) if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  forgetProcessGroups(file);
  return left.map(({ command }) => command);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
