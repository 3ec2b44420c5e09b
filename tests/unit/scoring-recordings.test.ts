// Scores of recorded real sessions (fixtures written by tests/integration/collateral-scoring.test.ts from
// real gateway recordings) are stable: today's formula gives exactly the score the session got.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeScore, type ScoreBreakdown, type ScoreRecording } from '../../scoring/score.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'recordings');
const fixtures = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    ...(JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { recording: ScoreRecording; score: number; breakdown: ScoreBreakdown }),
  }));

describe('scores of recorded sessions', () => {
  it('has recordings of a clean and of a collateral-heavy repair', () => {
    expect(fixtures.map((fixture) => fixture.file)).toEqual(['clean-repair.json', 'collateral-repair.json']);
  });

  it.each(fixtures)('$file scores as it did when it was played', ({ recording, score, breakdown }) => {
    const result = computeScore(recording);
    expect(result.breakdown).toEqual(breakdown);
    expect(result.score).toBe(score);
    expect(computeScore(structuredClone(recording))).toEqual(result);
  });

  it("the collateral recording holds the participant's real kubectl requests", () => {
    const collateral = fixtures.find((fixture) => fixture.file === 'collateral-repair.json')!;
    const commands = new Set(collateral.recording.kubeRequests.map((request) => request.command));
    expect([...commands]).toEqual(expect.arrayContaining(['kubectl delete', 'kubectl rollout restart', 'kubectl scale']));
    expect(collateral.breakdown.collateralPenalty).toBeGreaterThan(0);
  });
});
