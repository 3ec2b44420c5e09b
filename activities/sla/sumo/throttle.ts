// One throttle per Sumo access key for the whole process: Sumo allows 4 requests/s per user and 10
// concurrent per key, and answers 429 beyond.
import { setTimeout as sleep } from 'node:timers/promises';

export class Throttle {
  readonly perSecond: number;
  readonly maxInFlight: number;
  private nextSlot = 0;
  private nextPause = 0;
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  /** Completion times of the last `perSecond` requests, oldest first. */
  private readonly recent: Promise<number>[] = [];

  constructor(perSecond: number, maxInFlight: number) {
    this.perSecond = perSecond;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Runs `work` once an in-flight place is free, starts are spaced 1/perSecond apart, and the request
   * `perSecond` places back has *finished* a second ago. The last rule makes the limit hold where Sumo
   * counts (arrival), whatever the network delay: a request arrives before it finishes.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.inFlight += 1;
    let finished!: (at: number) => void;
    const gate = this.recent.length >= this.perSecond ? this.recent[this.recent.length - this.perSecond] : undefined;
    this.recent.push(
      new Promise<number>((resolve) => {
        finished = resolve;
      }),
    );
    if (this.recent.length > this.perSecond) this.recent.shift();
    try {
      const slot = Math.max(Date.now(), this.nextSlot);
      this.nextSlot = slot + 1000 / this.perSecond;
      const earliest = Math.max(slot, gate ? (await gate) + 1000 : 0, this.nextPause);
      // Timers may fire a little early against the wall clock: wait until the time has really come.
      while (Date.now() < earliest) await sleep(earliest - Date.now());
      return await work();
    } finally {
      finished(Date.now());
      this.inFlight -= 1;
      this.queue.shift()?.();
    }
  }

  /** After a 429: no request starts before `ms` from now. */
  pause(ms: number): void {
    this.nextPause = Math.max(this.nextPause, Date.now() + ms);
    this.nextSlot = Math.max(this.nextSlot, this.nextPause);
  }
}

const throttles = new Map<string, Throttle>();

/** The process-wide throttle of one deployment + access id. */
export function throttleFor(key: string, perSecond = 4, maxInFlight = 10): Throttle {
  let throttle = throttles.get(key);
  if (!throttle) throttles.set(key, (throttle = new Throttle(perSecond, maxInFlight)));
  return throttle;
}

/** Exponential backoff with full jitter, or the server's Retry-After when it sends one. */
export function backoffMs(attempt: number, retryAfter: string | null, baseMs = 250, capMs = 8000): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
