// Starts long-running child processes with their output in a log file, and stops them all together.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
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

export function startProcess(name: string, command: string, args: string[], options: StartOptions): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const logOffset = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // detached: its own process group, so stop() also ends anything it started.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      log.write(`\n[failurelib] could not start ${command}: ${error.message}\n`);
      resolve(-1);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) signalGroup(child.pid, 'SIGKILL');
      await exited;
      log.end();
    })();
    return stopping;
  };
  return { name, child, logFile: options.logFile, logOffset, exited, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try { process.kill(pid, signal); } catch { /* already gone */ }
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
