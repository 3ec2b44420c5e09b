// Scoring from a real gateway recording: a participant who deletes every pod, restarts every deployment
// and scales a workload the fault never touched before finding the real fix loses points for each, with
// a reason, while a clean repair loses none. With FL_RECORD_FIXTURES=1 both recordings are saved as
// fixtures (tests/fixtures/recordings/) for the unit test that keeps their scores stable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readScoreRecording } from '../../activities/score-recording.ts';
import type { ScoreResult } from '../../scoring/score.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, kubectl, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'recordings');

describe('collateral actions scored from the gateway recording', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: inject('databases')[0]!.url,
    });
  });
  afterAll(async () => harness?.close());

  /** A sweeping move (`delete pods --all`, `rollout restart deployment`) also reaches the engine's load generator, which
   * the gateway refuses; everything else it names is done, and scored. */
  const refusedOnlyForTheLoadGenerator = (out: string) => {
    const errors = out.split('\n').filter((line) => /^error/i.test(line));
    return errors.length > 0 && errors.every((line) => line.includes('the load generator measures the SLA'));
  };

  async function play(name: string, moves: string[][]): Promise<ScoreResult> {
    const { app } = harness;
    const { id, participantToken: token } = await createSession(app);
    await waitForPhase(app, id, token, ['ready']);
    const kubeconfig = await participantKubeconfig(app, id, token);
    expect(
      (await app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    await waitForPhase(app, id, token, ['running']);
    for (const move of [...moves, ['scale', 'deployment/storefront', '--replicas=2']]) {
      const result = await kubectl(kubeconfig, move);
      expect(result.ok || refusedOnlyForTheLoadGenerator(result.out), `kubectl ${move.join(' ')}: ${result.out}`).toBe(true);
    }
    await waitForPhase(app, id, token, ['completed'], 120_000);
    const result = (
      await app.inject({ method: 'GET', url: `/api/sessions/${id}/result`, headers: { authorization: `Bearer ${token}` } })
    ).json() as ScoreResult;
    if (process.env.FL_RECORD_FIXTURES === '1') {
      const recording = await readScoreRecording(harness.database.db, harness.library, {
        sessionId: id,
        mode: 'learn',
        parTimeSeconds: harness.library.scenarios.get('storefront-scaled-to-zero')!.spec.parTimeSeconds,
        timeToRepairSeconds: result.timeToRepairSeconds,
        hintsUsed: 0,
      });
      writeFileSync(
        join(FIXTURES, `${name}.json`),
        `${JSON.stringify({ recording, score: result.score, breakdown: result.breakdown }, null, 2)}\n`,
      );
    }
    return result;
  }

  it('takes nothing off a clean repair', async () => {
    const result = await play('clean-repair', [
      ['get', 'deployments'],
      ['describe', 'service', 'storefront'],
    ]);
    expect(result.breakdown.collateralPenalty).toBe(0);
  });

  it('takes points off for deleting every pod, restarting every deployment and scaling an unrelated one', async () => {
    const result = await play('collateral-repair', [
      ['delete', 'pods', '--all', '--wait=false'],
      ['rollout', 'restart', 'deployment'],
      ['scale', 'deployment/catalog', '--replicas=3'],
    ]);
    expect(result.breakdown.collateralPenalty).toBeGreaterThan(0);
    const collateral = result.reasons
      .filter((reason) => reason.term === 'collateral')
      .map((reason) => reason.message)
      .join('\n');
    expect(collateral).toMatch(/pod/i);
    expect(collateral).toMatch(/restart/i);
    expect(collateral).toMatch(/catalog/);
    expect(result.score).toBe(result.breakdown.total);
  });
});
