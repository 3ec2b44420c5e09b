// Starts long-running child processes with their output in a log file, and stops them all together.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PortInUseError } from './ports.ts';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Where this run's output starts in the log file (logs are appended across restarts). */
  readonly logOffset: number;
  /** Resolves when the process has exited (after stop() or on its own). */
  readonly exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The process group of every process started here: what a stopping launcher must not leave behind. */
const groups = new Map<number, string>();

/** The groups started here that still have a process (a leader that exited may have left children). */
export function liveProcessGroups(): number[] {
  return [...groups.keys()].filter(groupAlive);
}

/** Every process group started here, by its leader's pid, with the command that started it. */
export function startedProcessGroups(): { pid: number; command: string }[] {
  return [...groups].map(([pid, command]) => ({ pid, command }));
}

export function startProcess(name: string, command: string, args: string[], options: StartOptions): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const logOffset = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
  // The child writes its log file itself, not through a pipe to this process: were this process gone, a child
  // writing to a closed pipe would die at its next log line (chatty ones) or live on (quiet ones).
  const logFd = openSync(options.logFile, 'a');
  // detached: its own process group, so stop() also ends anything it started, and a signal to this
  // process's group (Ctrl-C) reaches only this process, which stops the children in order.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      appendFileSync(options.logFile, `\n[failurelib] could not start ${command}: ${error.message}\n`);
      resolve(-1);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      if (child.pid === undefined) return;
      const group = child.pid;
      // The group is signalled even when its leader has exited: what it started may still run.
      signalGroup(group, 'SIGTERM');
      const leaderDone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!leaderDone) signalGroup(group, 'SIGKILL');
      await exited;
      // What the leader started gets a moment to follow it out, then is killed.
      for (let waited = 0; groupAlive(group) && waited < Math.min(graceMs, 2000); waited += 100) await sleep(100);
      if (groupAlive(group)) signalGroup(group, 'SIGKILL');
    })();
    return stopping;
  };
  if (child.pid !== undefined) groups.set(child.pid, command);
  return { name, child, logFile: options.logFile, logOffset, exited, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns true; fails with the label and the last error when time runs out. */
export async function waitUntil(
  label: string,
  check: () => Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 200, process: watched }: { timeoutMs?: number; intervalMs?: number; process?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (watched && (watched.child.exitCode !== null || watched.child.signalCode !== null)) {
      const message = `${label}: ${watched.name} exited with code ${watched.child.exitCode ?? watched.child.signalCode}; see ${watched.logFile}`;
      // Another process took a port between choosing it and binding it: the caller may retry on other ports.
      if (/address already in use/i.test(logSince(watched))) throw new PortInUseError(message);
      throw new Error(message);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`${label}: not ready after ${timeoutMs} ms${reason}${watched ? `; see ${watched.logFile}` : ''}`);
}

/** What the process wrote to its log in this run (the last 64 KiB at most). */
function logSince(watched: ManagedProcess): string {
  try {
    const fd = openSync(watched.logFile, 'r');
    try {
      const end = statSync(watched.logFile).size;
      const start = Math.max(watched.logOffset, end - 65_536);
      const buffer = Buffer.alloc(Math.max(0, end - start));
      readSync(fd, buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
