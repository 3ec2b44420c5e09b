// Error budget burned during a session, computed from the SLA series (one sample per change).
import type { ObjectiveResult, SlaStatus } from './types.ts';

export interface SeriesSample {
  at: Date | string | number;
  status: SlaStatus;
  objectives: Pick<ObjectiveResult, 'name' | 'status'>[];
}

export interface ErrorBudget {
  /** Seconds the overall SLA was red. */
  redSeconds: number;
  /** Seconds the SLA could not be read (not counted as burn, shown beside it). */
  unknownSeconds: number;
  /** Seconds each objective was red. */
  perObjective: Record<string, number>;
  /** Σ weight × red seconds over objectives (weight 1 unless given). */
  weightedSeconds: number;
}

const ms = (at: SeriesSample['at']) => (at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at);

/**
 * Each sample holds until the next one (or `end`). Samples before `start` only set the state at `start`.
 */
export function errorBudget(samples: SeriesSample[], start: number, end: number, weights: Record<string, number> = {}): ErrorBudget {
  const sorted = [...samples].sort((a, b) => ms(a.at) - ms(b.at));
  const budget: ErrorBudget = { redSeconds: 0, unknownSeconds: 0, perObjective: {}, weightedSeconds: 0 };
  sorted.forEach((sample, index) => {
    const from = Math.max(ms(sample.at), start);
    const to = Math.min(index + 1 < sorted.length ? ms(sorted[index + 1]!.at) : end, end);
    if (to <= from) return;
    const seconds = (to - from) / 1000;
    if (sample.status === 'red') budget.redSeconds += seconds;
    if (sample.status === 'unknown') budget.unknownSeconds += seconds;
    for (const objective of sample.objectives) {
      budget.perObjective[objective.name] ??= 0;
      if (objective.status !== 'red') continue;
      budget.perObjective[objective.name]! += seconds;
      budget.weightedSeconds += seconds * (weights[objective.name] ?? 1);
    }
  });
  return budget;
}
