// One SLA evaluation per poll interval for every session watched in this worker process: N sessions
// waiting share one batched provider call instead of making N.
import { unknownReading, type SlaProvider, type SlaReading, type SlaTarget } from './types.ts';

interface Waiter {
  resolve(reading: SlaReading): void;
  reject(reason: unknown): void;
}
interface Pending {
  target: SlaTarget;
  waiters: Set<Waiter>;
}

export interface EvaluatorStats {
  evaluations: number;
  lastBatchSize: number;
  largestBatch: number;
}

export class SlaEvaluator {
  readonly provider: SlaProvider;
  readonly pollMs: number;
  readonly stats: EvaluatorStats = { evaluations: 0, lastBatchSize: 0, largestBatch: 0 };
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastStart = 0;

  constructor(provider: SlaProvider, pollMs: number) {
    this.provider = provider;
    this.pollMs = pollMs;
  }

  /** The session's reading from the next evaluation that starts after this call. */
  next(target: SlaTarget, signal?: AbortSignal): Promise<SlaReading> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(target.sessionId) ?? { target, waiters: new Set<Waiter>() };
      entry.target = target;
      const onAbort = () => {
        entry.waiters.delete(waiter);
        if (entry.waiters.size === 0 && this.pending.get(target.sessionId) === entry) this.pending.delete(target.sessionId);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (reading) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(reading);
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      entry.waiters.add(waiter);
      this.pending.set(target.sessionId, entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.running || this.pending.size === 0) return;
    const delay = Math.max(0, this.lastStart + this.pollMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  private async run(): Promise<void> {
    if (this.pending.size === 0) return; // every waiter left (cancelled) before the tick
    this.running = true;
    this.lastStart = Date.now();
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.stats.evaluations += 1;
    this.stats.lastBatchSize = batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let readings: Map<string, SlaReading>;
    try {
      readings = await this.provider.evaluate(batch.map((entry) => entry.target));
    } catch {
      readings = new Map(); // a provider that cannot answer: every session reads unknown, never green
    }
    for (const { target, waiters } of batch) {
      const reading = readings.get(target.sessionId) ?? unknownReading(target.objectives, this.lastStart);
      for (const waiter of waiters) waiter.resolve(reading);
    }
    this.running = false;
    this.schedule();
  }

  /** Stops the timer; waiting sessions are rejected (used at worker shutdown and in tests). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const { waiters } of this.pending.values()) for (const waiter of waiters) waiter.reject(new Error('SLA evaluator closed'));
    this.pending.clear();
  }
}
