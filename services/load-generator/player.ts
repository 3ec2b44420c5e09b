// Plays every journey at its steady rate and keeps each one's sliding window of results. A journey never
// has more runs in flight than MAX_IN_FLIGHT: when the system hangs, ticks are counted as failures instead of
// piling up connections, so the load stays bounded whatever the system does.
import { Counter, Histogram, type Registry } from 'prom-client';
import { runJourney, type Journey, type RunResult } from './journeys.ts';
import { SlidingWindow, type WindowSummary } from './window.ts';

const MAX_IN_FLIGHT = 4;

export interface PlayerOptions {
  journeys: Journey[];
  retainSeconds: number;
  timeoutMs: number;
  registry: Registry;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export class Player {
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly inFlight = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly runs: Counter<'journey' | 'outcome'>;
  private readonly duration: Histogram<'journey'>;
  private readonly options: PlayerOptions;

  constructor(options: PlayerOptions) {
    this.options = options;
    for (const journey of options.journeys) this.windows.set(journey.name, new SlidingWindow(options.retainSeconds));
    this.runs = new Counter({
      name: 'loadgen_journey_runs_total',
      help: 'Journey runs by outcome',
      labelNames: ['journey', 'outcome'],
      registers: [options.registry],
    });
    this.duration = new Histogram({
      name: 'loadgen_journey_duration_seconds',
      help: 'Duration of a journey run, all its steps',
      labelNames: ['journey'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [options.registry],
    });
  }

  start(): void {
    for (const journey of this.options.journeys) {
      const every = Math.round(1000 / journey.ratePerSecond);
      this.timers.push(setInterval(() => this.tick(journey), every));
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  private tick(journey: Journey): void {
    const busy = this.inFlight.get(journey.name) ?? 0;
    if (busy >= MAX_IN_FLIGHT) {
      this.finish(journey, { ok: false, ms: this.options.timeoutMs, traceId: '', error: `${MAX_IN_FLIGHT} runs still in flight` });
      return;
    }
    this.inFlight.set(journey.name, busy + 1);
    void runJourney(journey, this.options.timeoutMs).then((result) => {
      this.inFlight.set(journey.name, (this.inFlight.get(journey.name) ?? 1) - 1);
      this.finish(journey, result);
    });
  }

  private finish(journey: Journey, result: RunResult): void {
    this.windows.get(journey.name)!.record({ at: Date.now(), ok: result.ok, ms: result.ms });
    this.runs.inc({ journey: journey.name, outcome: result.ok ? 'success' : 'failure' });
    this.duration.observe({ journey: journey.name }, result.ms / 1000);
    if (!result.ok) {
      this.options.log('warn', 'journey failed', {
        journey: journey.name,
        trace_id: result.traceId || undefined,
        duration_ms: Math.round(result.ms * 10) / 10,
        error: result.error,
      });
    }
  }

  /** Every journey's summary over `windowSeconds` (at most the retained span). */
  results(windowSeconds: number, now = Date.now()): Record<string, WindowSummary & { ratePerSecond: number }> {
    return Object.fromEntries(
      this.options.journeys.map((journey) => [
        journey.name,
        { ...this.windows.get(journey.name)!.summary(windowSeconds, now), ratePerSecond: journey.ratePerSecond },
      ]),
    );
  }
}
