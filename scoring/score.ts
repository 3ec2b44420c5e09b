// The score: deterministic from the session's recording (timings, SLA readings, hints, kubectl requests).
// Every point taken off comes with a reason the participant can read on the result page.
import type { Mode } from '../domain/session-terms.ts';
import type { ScoreInput } from '../workflows/types.ts';
import { redTime, type SlaReading } from './budget.ts';
import { COLLATERAL, collateralFindings, type KubeAction } from './collateral.ts';

export const HINT_COST = { learn: 0, challenge: 100 } as const satisfies Record<Mode, number>;
export const BASE_SCORE = 1000;
export const MIN_SCORE = 100;
export const TIME_PENALTY_PER_MINUTE = 20;
export const BUDGET_PENALTY_PER_MINUTE = 10;

/** Shown on the result page and in the README's "Scoring" section. */
export const SCORE_FORMULA = [
  `score = max(${MIN_SCORE}, ${BASE_SCORE} − time − budget − hints − collateral)`,
  `time: ${TIME_PENALTY_PER_MINUTE} per minute of time to repair over par`,
  `budget: each SLA objective may be red for the par time; ${BUDGET_PENALTY_PER_MINUTE} per minute it stayed red beyond that`,
  `hints: ${HINT_COST.challenge} each in Challenge mode, free in Learn mode`,
  `collateral (at most ${COLLATERAL.cap}): namespace deleted ${COLLATERAL.namespaceDeleted}; mass pod deletion ${COLLATERAL.massPodDeletion} each; ` +
    `restarting ${COLLATERAL.blindRestartCount}+ workloads within ${COLLATERAL.blindRestartWindowSeconds} s ${COLLATERAL.blindRestart}; ` +
    `each workload changed that the failure did not involve ${COLLATERAL.unrelatedWorkload}; pods deleted ${COLLATERAL.massPodCount}+ times ${COLLATERAL.repeatedPodDeletes}`,
].join('\n');

/** What the workflow knows plus what the activity reads from the recording. */
export interface ScoreRecording extends ScoreInput {
  /** When Start was pressed (ISO); the window of the SLA budget starts here. */
  startedAt?: string;
  slaReadings: SlaReading[];
  kubeRequests: KubeAction[];
  /** Names the scenario's faults act on (e.g. the deployment scaled to zero): changing them is the fix, not collateral. */
  faultTargets: string[];
}

export interface ScoreBreakdown {
  base: number;
  timePenalty: number;
  budgetPenalty: number;
  hintPenalty: number;
  collateralPenalty: number;
  total: number;
}
export interface ScoreReason {
  term: 'time' | 'budget' | 'hints' | 'collateral' | 'floor';
  points: number;
  message: string;
}

export interface ScoreResult {
  score: number;
  breakdown: ScoreBreakdown;
  reasons: ScoreReason[];
  formula: string;
  timeToRepairSeconds: number;
  parTimeSeconds: number;
  redSeconds: number;
}

const minutes = (seconds: number) => `${Math.round((seconds / 60) * 10) / 10} min`;

export function computeScore(recording: ScoreRecording): ScoreResult {
  const reasons: ScoreReason[] = [];
  const par = recording.parTimeSeconds;

  const overPar = Math.max(0, recording.timeToRepairSeconds - par);
  const timePenalty = Math.round((overPar / 60) * TIME_PENALTY_PER_MINUTE);
  if (timePenalty > 0)
    reasons.push({
      term: 'time',
      points: timePenalty,
      message: `repaired in ${minutes(recording.timeToRepairSeconds)}, ${minutes(overPar)} over the par of ${minutes(par)}`,
    });

  let budgetPenalty = 0;
  let redSeconds = 0;
  if (recording.startedAt) {
    const repairedAt = new Date(Date.parse(recording.startedAt) + recording.timeToRepairSeconds * 1000).toISOString();
    const red = redTime(recording.slaReadings, recording.startedAt, repairedAt);
    redSeconds = Math.round(red.redSeconds);
    for (const [objective, seconds] of Object.entries(red.objectiveRedSeconds).sort(([a], [b]) => a.localeCompare(b))) {
      const points = Math.round((Math.max(0, seconds - par) / 60) * BUDGET_PENALTY_PER_MINUTE);
      if (points === 0) continue;
      budgetPenalty += points;
      reasons.push({
        term: 'budget',
        points,
        message: `${objective} was red for ${minutes(seconds)}: ${minutes(seconds - par)} beyond its error budget`,
      });
    }
  }

  const hintPenalty = recording.hintsUsed * HINT_COST[recording.mode];
  if (hintPenalty > 0)
    reasons.push({
      term: 'hints',
      points: hintPenalty,
      message: `${recording.hintsUsed} hint${recording.hintsUsed === 1 ? '' : 's'} in Challenge mode`,
    });

  let collateralPenalty = 0;
  for (const finding of collateralFindings(recording.kubeRequests, recording.faultTargets)) {
    const points = Math.min(finding.points, COLLATERAL.cap - collateralPenalty);
    if (points <= 0) break;
    collateralPenalty += points;
    reasons.push({ term: 'collateral', points, message: finding.message });
  }

  const raw = BASE_SCORE - timePenalty - budgetPenalty - hintPenalty - collateralPenalty;
  const score = Math.max(MIN_SCORE, raw);
  if (score > raw)
    reasons.push({ term: 'floor', points: score - raw, message: `given back: a repaired session never scores below ${MIN_SCORE}` });
  return {
    score,
    breakdown: { base: BASE_SCORE, timePenalty, budgetPenalty, hintPenalty, collateralPenalty, total: score },
    reasons,
    formula: SCORE_FORMULA,
    timeToRepairSeconds: recording.timeToRepairSeconds,
    parTimeSeconds: par,
    redSeconds,
  };
}
