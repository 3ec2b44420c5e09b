// Keeps one of the node's processes running: when it exits on its own (a crash, a kill), it is started again after
// a short pause, so a dead kubelet or containerd comes back by itself. Pods keep running meanwhile: containerd's
// shims outlive it and it reconnects to them, and a kubelet that starts again adopts the containers it finds.
// A process that keeps dying is given up on (its log says why), rather than restarted forever.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from '../lib/processes.ts';

export interface SupervisedProcess {
  readonly name: string;
  /** The process running now (or the last one, once given up on or stopped). */
  current(): ManagedProcess;
  /** How many times it was started again after exiting on its own. */
  restarts(): number;
  /** True once it kept dying and is no longer restarted: the node cannot come back by itself. */
  gaveUp(): boolean;
  /** Resolves with the next process started after an exit. */
  nextStart(): Promise<ManagedProcess>;
  /** Stops restarting it and stops it. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  start(): ManagedProcess;
  progress(message: string): void;
  /** Pause before a restart: long enough not to spin, short enough that the node is back within seconds. */
  restartDelayMs?: number;
  /** More than this many restarts within `windowMs` means it cannot come back. */
  maxRestarts?: number;
  windowMs?: number;
}

export function supervise(name: string, options: SuperviseOptions): SupervisedProcess {
  const { restartDelayMs = 500, maxRestarts = 5, windowMs = 60_000 } = options;
  let process = options.start();
  let stopping = false;
  let restarts = 0;
  let gaveUp = false;
  const recentRestarts: number[] = [];
  let waiters: ((started: ManagedProcess) => void)[] = [];

  const watch = (watched: ManagedProcess): void => {
    void watched.exited.then(async (code) => {
      if (stopping) return;
      const now = Date.now();
      while (recentRestarts.length > 0 && recentRestarts[0]! < now - windowMs) recentRestarts.shift();
      if (recentRestarts.length >= maxRestarts) {
        gaveUp = true;
        options.progress(
          `${name} exited (code ${code}) ${maxRestarts} times within ${windowMs / 1000} s: not restarting it; see ${watched.logFile}`,
        );
        return;
      }
      options.progress(`${name} exited (code ${code ?? watched.child.signalCode}); starting it again`);
      await sleep(restartDelayMs);
      if (stopping) return;
      recentRestarts.push(Date.now());
      restarts += 1;
      process = options.start();
      for (const resolve of waiters) resolve(process);
      waiters = [];
      watch(process);
    });
  };
  watch(process);

  return {
    name,
    current: () => process,
    restarts: () => restarts,
    gaveUp: () => gaveUp,
    nextStart: () => new Promise((resolve) => waiters.push(resolve)),
    stop: async () => {
      stopping = true;
      await process.stop();
    },
  };
}
