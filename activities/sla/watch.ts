// The body of the watchSla activity: waits on the batched evaluator, runs the hysteresis state machine,
// records transitions (dedupe keys `sla:<until>:<n>`) and the SLA series, returns on the awaited transition.
import type { Database } from '../../db/client.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';
import { recordEvent, recordSla } from '../session-store.ts';
import type { SlaEvaluator } from './evaluator.ts';
import { sampleKey, SlaSeriesWriter } from './samples.ts';
import { INITIAL_STATE, step, type SlaMachineState } from './state-machine.ts';
import type { StateLine } from './sumo/state-lines.ts';
import type { SlaReading, SlaStatus } from './types.ts';

export type SlaTarget = 'red' | 'green' | 'repaired';

export interface WatchInput {
  sessionId: string;
  namespace: string;
  until: SlaTarget;
  holdSeconds: number;
}

/** What survives an activity retry (heartbeat details). `last`/`transitions` are the original fields. */
export interface WatchProgress {
  last?: SlaStatus;
  transitions?: number;
  machine?: SlaMachineState;
}

export interface WatchEnvironment {
  db: Database;
  evaluator: SlaEvaluator;
  objectives: Objective[];
  /** The objectives to judge a reading at `now` with, when they change over the watch (journey windows). */
  objectivesAt?: (now: number) => Objective[];
  /** For `repaired`: the scenario's oracle holds (checked only while the SLA reads green). */
  oracleHolds: () => Promise<boolean>;
  resumed: WatchProgress | undefined;
  heartbeat: (progress: WatchProgress) => void;
  signal: AbortSignal;
  /** Told each changed reading (e.g. to push a Sumo state line); its failures never stop the watch. */
  onReading?: (line: StateLine) => Promise<void>;
  /** Told every reading (e.g. to send the SLI series to the telemetry collector); its failures never stop the watch. */
  onSample?: (reading: SlaReading, observedAt: number) => Promise<void>;
}

function summaryOf(status: SlaStatus, reading: SlaReading, oracleFailed: boolean): string {
  if (status === 'green') return 'SLA green';
  const failing = reading.objectives.filter((o) => o.status !== 'green').map((o) => o.name);
  if (failing.length === 0 && oracleFailed) return `SLA ${status}: not repaired yet`;
  if (failing.length === 0) return `SLA ${status}: green, holding`;
  return `SLA ${status}: ${failing.join(', ')}`;
}

export async function watch(input: WatchInput, env: WatchEnvironment): Promise<{ status: SlaStatus; at: string }> {
  const { resumed } = env;
  let transitions = resumed?.transitions ?? 0;
  // A resumed watch keeps its reported status (no duplicate event) but needs fresh data after the resume.
  let machine: SlaMachineState = resumed?.machine ?? (resumed?.last ? { status: resumed.last, badAt: Date.now() } : INITIAL_STATE);
  const holdMs = input.until === 'red' ? 0 : input.holdSeconds * 1000;
  const series = new SlaSeriesWriter(env.db, input.sessionId);
  let objectivesKey: string | undefined;
  const startedAt = Date.now();
  const progress = (): WatchProgress => ({ last: machine.status, transitions, machine });
  for (;;) {
    // Heartbeat while waiting: a slow provider (a Sumo search job) must not look like a dead worker.
    const beat = setInterval(() => env.heartbeat(progress()), 5000);
    let reading: SlaReading;
    try {
      reading = await env.evaluator.next(
        { sessionId: input.sessionId, namespace: input.namespace, objectives: env.objectivesAt?.(Date.now()) ?? env.objectives },
        env.signal,
      );
    } finally {
      clearInterval(beat);
    }
    const observedAt = Date.now();
    await series.write(reading, new Date(observedAt));
    await env.onSample?.(reading, observedAt).catch(() => {});
    const oracleFailed = input.until === 'repaired' && reading.status === 'green' && !(await env.oracleHolds());
    const status = oracleFailed ? 'red' : reading.status;
    const next = step(machine, { status, sampledAt: reading.sampledAt ?? observedAt, observedAt }, holdMs);
    machine = next.state;
    const key = sampleKey(reading);
    if (next.changed || key !== objectivesKey) {
      await recordSla(env.db, input.sessionId, machine.status, reading.objectives);
      objectivesKey = key;
      await env
        .onReading?.({
          sessionId: input.sessionId,
          phase: input.until === 'repaired' ? 'running' : 'provisioning',
          event: 'sla',
          sla: machine.status,
          elapsedSeconds: Math.round((observedAt - startedAt) / 1000),
          violated: reading.objectives.filter((o) => o.status !== 'green').map((o) => o.name),
          slis: Object.fromEntries(reading.objectives.flatMap((o) => (o.value === undefined ? [] : [[o.name, o.value]]))),
        })
        .catch(() => {});
    }
    if (next.changed) {
      await recordEvent(env.db, {
        sessionId: input.sessionId,
        dedupeKey: `sla:${input.until}:${transitions}`,
        kind: 'sla',
        summary: summaryOf(machine.status, reading, oracleFailed),
        detail: reading,
      });
      transitions += 1;
    }
    if (input.until === 'red' && machine.status === 'red') return { status: 'red', at: new Date(observedAt).toISOString() };
    if (input.until !== 'red' && machine.status === 'green') {
      return { status: 'green', at: new Date(Math.min(machine.greenSince ?? observedAt, observedAt)).toISOString() };
    }
    env.heartbeat(progress());
  }
}
