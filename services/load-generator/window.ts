// The results of one journey over a sliding window: each finished run with its time, outcome and duration;
// runs older than the longest window asked for are dropped.

export interface Outcome {
  /** When the run finished (epoch ms). */
  at: number;
  ok: boolean;
  ms: number;
}

export interface WindowSummary {
  requests: number;
  successes: number;
  /** successes / requests; null when there were no requests in the window. */
  successRate: number | null;
  /** Nearest-rank 95th percentile of the runs' durations; null without requests. */
  p95Ms: number | null;
  /** When the newest run in the window finished (ISO), null without requests. */
  lastRequestAt: string | null;
  windowSeconds: number;
}

/** What GET /results answers: each journey's summary over the window, with the rate it is played at. */
export interface JourneyResults {
  generatedAt: string;
  windowSeconds: number;
  journeys: Record<string, WindowSummary & { ratePerSecond?: number }>;
}

export function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(0.95 * sorted.length)) - 1]!;
}

export class SlidingWindow {
  private outcomes: Outcome[] = [];
  readonly retainSeconds: number;

  constructor(retainSeconds: number) {
    this.retainSeconds = retainSeconds;
  }

  record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    this.prune(outcome.at);
  }

  private prune(now: number): void {
    const oldest = now - this.retainSeconds * 1000;
    let drop = 0;
    while (drop < this.outcomes.length && this.outcomes[drop]!.at < oldest) drop += 1;
    if (drop > 0) this.outcomes = this.outcomes.slice(drop);
  }

  summary(windowSeconds: number, now = Date.now()): WindowSummary {
    this.prune(now);
    const since = now - Math.min(windowSeconds, this.retainSeconds) * 1000;
    const recent = this.outcomes.filter((o) => o.at >= since);
    const successes = recent.filter((o) => o.ok).length;
    const last = recent.at(-1);
    return {
      requests: recent.length,
      successes,
      successRate: recent.length === 0 ? null : successes / recent.length,
      p95Ms: p95(recent.map((o) => o.ms)),
      lastRequestAt: last ? new Date(last.at).toISOString() : null,
      windowSeconds,
    };
  }
}
