// Keeps the stack's services and stops every one of them, last started first, however the launcher is told
// to stop: Ctrl-C, SIGTERM or SIGHUP, to the launcher or to its whole process group, once or repeatedly
// (`npm run` forwards the signal its group already got, so the launcher hears it twice), or a service
// exiting on its own. The launcher exits only once everything it started has stopped.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { liveProcessGroups, startProcess, type ManagedProcess } from '../lib/processes.ts';
import { forgetProcessGroups, recordProcessGroups, stopLeftovers } from './leftovers.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Service {
  name: string;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** Where each child process's log goes (`<name>.log`). */
  logDir: string;
  /** Where the process groups started are recorded, for a launcher after one that was killed outright. */
  recordFile?: string;
  /** How long one service may take to stop before the next is stopped anyway (its processes are killed). */
  serviceStopMs?: number;
  say?: (message: string) => void;
}

export class Supervisor {
  private readonly services: Service[] = [];
  private readonly options: Required<Omit<SupervisorOptions, 'recordFile'>> & Pick<SupervisorOptions, 'recordFile'>;
  private stopping: Promise<never> | undefined;

  constructor(options: SupervisorOptions) {
    this.options = { serviceStopMs: 15_000, say: (message) => console.log(message), ...options };
    // The launcher's own output may go to a pipe whose reader died with the process group: writing the
    // progress lines must not kill it before its children are stopped.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (this.stopping) this.options.say(`${signal}: already stopping`);
        void this.stopAll(0, signal);
      });
    }
  }

  /** Stops what a previous launcher, killed before it could stop them, left running. Call before starting. */
  async stopLeftovers(): Promise<void> {
    if (!this.options.recordFile) return;
    const stopped = await stopLeftovers(this.options.recordFile);
    if (stopped.length > 0)
      this.options.say(`stopped ${stopped.length} process group(s) a previous launcher left running: ${stopped.join(', ')}`);
  }

  /** A service stopped by a function (an in-process server, or one that manages its own processes). */
  add(name: string, stop: () => Promise<void>): void {
    this.services.push({ name, stop });
    if (this.options.recordFile) recordProcessGroups(this.options.recordFile);
  }

  /** A child process (its own process group, its log in logDir); its exit before the stack stops stops everything. */
  spawn(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
    const managed = startProcess(name, command, args, { logFile: join(this.options.logDir, `${name}.log`), ...options });
    this.add(name, () => managed.stop());
    void managed.exited.then((code) => {
      if (this.stopping) return;
      console.error(`${name} exited with code ${code}; see ${managed.logFile}`);
      void this.stopAll(1);
    });
    return managed;
  }

  /** Stops every service (once, whoever asks first), then exits with `code`. */
  stopAll(code: number, reason?: string): Promise<never> {
    this.stopping ??= this.stopEverything(code, reason);
    return this.stopping;
  }

  private async stopEverything(code: number, reason?: string): Promise<never> {
    // A referenced timer keeps the event loop alive until exit, even while waiting on a stop whose promise
    // nothing else would keep pending (the process would otherwise end silently mid-way).
    const keepAlive = setInterval(() => {}, 1000);
    this.options.say(`stopping…${reason ? ` (${reason})` : ''}`);
    let failed = false;
    // Popped one at a time: a service that a start still in progress registers meanwhile is stopped too.
    for (let service = this.services.pop(); service; service = this.services.pop()) {
      const outcome = await Promise.race([
        service.stop().then(
          () => 'stopped' as const,
          (error: unknown) => error,
        ),
        sleep(this.options.serviceStopMs).then(() => 'timed out' as const),
      ]);
      if (outcome === 'stopped') continue;
      failed = true;
      console.error(`${service.name} did not stop cleanly: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
    }
    // A service that did not stop in time may have left processes (the sim cluster's etcd): they are killed.
    for (let waited = 0; liveProcessGroups().length > 0 && waited < 5000; waited += 100) {
      for (const group of liveProcessGroups()) killGroup(group);
      await sleep(100);
    }
    if (this.options.recordFile) forgetProcessGroups(this.options.recordFile);
    this.options.say('stopped');
    clearInterval(keepAlive);
    process.exit(failed && code === 0 ? 1 : code);
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
