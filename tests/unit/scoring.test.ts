// The score a participant sees: full marks at par, minus time over par and Challenge hints, never below the floor.
import { describe, expect, it } from 'vitest';
import { computeScore } from '../../activities/scoring.ts';
import type { ScoreInput } from '../../workflows/types.ts';

const input = (overrides: Partial<ScoreInput> = {}): ScoreInput => ({
  sessionId: 's-1', mode: 'challenge', parTimeSeconds: 300, timeToRepairSeconds: 120, hintsUsed: 0, ...overrides,
});

describe('computeScore', () => {
  it('gives 1000 for a repair under par and exactly at par', () => {
    expect(computeScore(input({ timeToRepairSeconds: 1 })).score).toBe(1000);
    expect(computeScore(input({ timeToRepairSeconds: 300 })).score).toBe(1000);
  });

  it('takes points off for every minute over par, more the later the repair', () => {
    const atPar = computeScore(input({ timeToRepairSeconds: 300 })).score;
    const oneMinuteOver = computeScore(input({ timeToRepairSeconds: 360 })).score;
    const twoMinutesOver = computeScore(input({ timeToRepairSeconds: 420 })).score;
    const penalty = atPar - oneMinuteOver;
    expect(penalty).toBeGreaterThan(0);
    expect(atPar - twoMinutesOver).toBe(2 * penalty);
    const late = computeScore(input({ timeToRepairSeconds: 420 }));
    expect(late.breakdown.timeOverPar).toBe(-2 * penalty);
  });

  it('charges 100 per hint in Challenge mode and nothing in Learn mode', () => {
    expect(computeScore(input({ hintsUsed: 1 })).score).toBe(900);
    expect(computeScore(input({ hintsUsed: 3 })).score).toBe(700);
    expect(computeScore(input({ hintsUsed: 3 })).breakdown.hints).toBe(-300);
    expect(computeScore(input({ mode: 'learn', hintsUsed: 3 })).score).toBe(1000);
  });

  it('never goes below 100, however late and however many hints', () => {
    const hopeless = computeScore(input({ timeToRepairSeconds: 100 * 3600, hintsUsed: 20 }));
    expect(hopeless.score).toBe(100);
    expect(hopeless.breakdown.floor).toBeGreaterThan(0);
    const parts = Object.values(hopeless.breakdown).reduce((sum, value) => sum + value, 0);
    expect(parts).toBe(hopeless.score);
  });

  it('breakdown adds up to the score and time to repair is passed through', () => {
    const result = computeScore(input({ timeToRepairSeconds: 777, hintsUsed: 2 }));
    expect(Object.values(result.breakdown).reduce((sum, value) => sum + value, 0)).toBe(result.score);
    expect(result.timeToRepairSeconds).toBe(777);
  });

  it('is deterministic: the same input always scores the same', () => {
    const same = input({ timeToRepairSeconds: 901, hintsUsed: 2 });
    const first = computeScore(same);
    for (let i = 0; i < 5; i += 1) expect(computeScore({ ...same })).toEqual(first);
  });
});
