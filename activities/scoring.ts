// The score: 1000 points for a repair at or under par, minus time over par and hints. Deterministic.
import type { ScoreInput } from '../workflows/types.ts';

export const HINT_COST = { learn: 0, challenge: 100 } as const;
const MAX_SCORE = 1000;
const OVER_PAR_PENALTY_PER_MINUTE = 20;
const MIN_SCORE = 100;

export interface ScoreResult {
  score: number;
  breakdown: Record<string, number>;
  timeToRepairSeconds: number;
}

export function computeScore(input: ScoreInput): ScoreResult {
  const overParSeconds = Math.max(0, input.timeToRepairSeconds - input.parTimeSeconds);
  const timePenalty = Math.round((overParSeconds / 60) * OVER_PAR_PENALTY_PER_MINUTE);
  const hintPenalty = input.hintsUsed * HINT_COST[input.mode];
  const score = Math.max(MIN_SCORE, MAX_SCORE - timePenalty - hintPenalty);
  return {
    score,
    breakdown: { base: MAX_SCORE, timeOverPar: -timePenalty, hints: -hintPenalty, floor: score - (MAX_SCORE - timePenalty - hintPenalty) },
    timeToRepairSeconds: input.timeToRepairSeconds,
  };
}
