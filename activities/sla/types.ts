// The shapes every SLA provider shares: one batch call evaluates many sessions.
import type { SlaStatus } from '../../domain/session-terms.ts';
import type { Objective } from '../../scenarios/lib/schema.ts';

export type { SlaStatus };

export interface ObjectiveResult {
  name: string;
  status: SlaStatus;
  value?: number;
  target?: number;
  description?: string;
  /** Extra SLIs measured for this objective (e.g. p95Ms, successRate, restarts). */
  slis?: Record<string, number>;
}

export interface SlaReading {
  status: SlaStatus;
  objectives: ObjectiveResult[];
  /** When the data behind the reading was measured (epoch ms); older than now for lagging sources. */
  sampledAt?: number;
}

export interface SlaTarget {
  sessionId: string;
  namespace: string;
  objectives: Objective[];
}

export interface SlaProvider {
  readonly name: string;
  /** Evaluates every target in one go; a session it cannot read gets status `unknown`, it never throws for one session. */
  evaluate(targets: SlaTarget[]): Promise<Map<string, SlaReading>>;
}

/** Red wins; unknown is never reported as green. */
export function combine(statuses: SlaStatus[]): SlaStatus {
  if (statuses.includes('red')) return 'red';
  if (statuses.includes('unknown') || statuses.length === 0) return 'unknown';
  return 'green';
}

/** Green when the value is within the bounds given. */
export function withinBounds(value: number, bounds: { min?: number; max?: number }): boolean {
  return (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max);
}

/** The target an objective's bounds express, for display: the max if set, else the min. */
export function boundTarget(bounds: { min?: number; max?: number }): number | undefined {
  return bounds.max ?? bounds.min;
}

export function unknownReading(objectives: Objective[], sampledAt = Date.now()): SlaReading {
  return {
    status: 'unknown',
    objectives: objectives.map((o) => ({ name: o.name, description: o.description, status: 'unknown' })),
    sampledAt,
  };
}

export function readingOf(objectives: ObjectiveResult[], sampledAt: number): SlaReading {
  return { status: combine(objectives.map((o) => o.status)), objectives, sampledAt };
}
