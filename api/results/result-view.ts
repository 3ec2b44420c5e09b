// The result of a completed session: the stored score (older results are read in today's shape), the replay
// with offsets from Start, the moment the SLA turned green for good, and the debrief (the session has ended).
import { SCORE_FORMULA, type ScoreResult } from '../../scoring/score.ts';
import type { SessionEventRow, SessionRow } from '../../db/schema.ts';
import type { Scenario } from '../../scenarios/lib/schema.ts';
import type { ResultDto } from '../contract.ts';
import { eventDto } from '../sessions/session-view.ts';

/** Results stored before scoring read the recording: `{ score, breakdown: { base, timeOverPar, hints, floor }, timeToRepairSeconds }`. */
interface LegacyResult {
  score: number;
  breakdown: Record<string, number>;
  timeToRepairSeconds: number;
}

export function normalizeResult(
  stored: ScoreResult | LegacyResult,
): Omit<ScoreResult, 'parTimeSeconds' | 'redSeconds'> & Partial<ScoreResult> {
  if ('reasons' in stored) return stored;
  const b = stored.breakdown;
  return {
    score: stored.score,
    breakdown: {
      base: b.base ?? 1000,
      timePenalty: Math.abs(b.timeOverPar ?? 0),
      budgetPenalty: 0,
      hintPenalty: Math.abs(b.hints ?? 0),
      collateralPenalty: 0,
      total: stored.score,
    },
    reasons: [],
    formula: SCORE_FORMULA,
    timeToRepairSeconds: stored.timeToRepairSeconds,
  };
}

export function resultDto(row: SessionRow, events: SessionEventRow[], scenario: Scenario | undefined): ResultDto {
  const result = normalizeResult(row.result as ScoreResult | LegacyResult);
  const startedAt = row.startedAt ?? row.createdAt;
  const greenAt = row.startedAt ? new Date(row.startedAt.getTime() + result.timeToRepairSeconds * 1000) : undefined;
  return {
    score: result.score,
    breakdown: result.breakdown,
    reasons: result.reasons,
    formula: result.formula,
    timeToRepairSeconds: result.timeToRepairSeconds,
    ...(result.parTimeSeconds !== undefined
      ? { parTimeSeconds: result.parTimeSeconds }
      : scenario
        ? { parTimeSeconds: scenario.spec.parTimeSeconds }
        : {}),
    ...(result.redSeconds !== undefined ? { redSeconds: result.redSeconds } : {}),
    ...(row.startedAt ? { startedAt: row.startedAt.toISOString() } : {}),
    ...(greenAt ? { greenAt: greenAt.toISOString() } : {}),
    // The session is over, so the replay shows everything, in Challenge mode too.
    replay: events.map((event) => {
      const { id: _id, ...step } = eventDto(event, 'learn');
      return { ...step, offsetSeconds: Math.round((event.at.getTime() - startedAt.getTime()) / 100) / 10 };
    }),
    ...(scenario
      ? { rootCause: scenario.spec.rootCause, explanation: scenario.spec.explanation, solution: scenario.spec.solutions[0]?.commands ?? [] }
      : {}),
  };
}
