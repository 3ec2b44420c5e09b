// The score a participant sees, term by term: time over par, error budget burned while red, hints, collateral
// damage from their kubectl requests, the floor. Deterministic, and the breakdown explains every point.
import { describe, expect, it } from 'vitest';
import { computeScore, type ScoreRecording } from '../../scoring/score.ts';
import type { KubeAction } from '../../scoring/collateral.ts';
import type { SlaReading } from '../../scoring/budget.ts';

const START = '2026-11-21T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(START) + seconds * 1000).toISOString();

const recording = (overrides: Partial<ScoreRecording> = {}): ScoreRecording => ({
  sessionId: 's-1',
  mode: 'challenge',
  parTimeSeconds: 300,
  timeToRepairSeconds: 120,
  hintsUsed: 0,
  startedAt: START,
  slaReadings: [],
  kubeRequests: [],
  faultTargets: ['storefront'],
  ...overrides,
});

const reading = (seconds: number, status: SlaReading['status'], red: string[] = []): SlaReading => ({
  at: at(seconds),
  status,
  objectives: ['storefront-available', 'checkout-available'].map((name) => ({ name, status: red.includes(name) ? 'red' : 'green' })),
});

const request = (seconds: number, fields: Partial<KubeAction>): KubeAction => ({
  at: at(seconds),
  verb: 'get',
  resource: 'pods',
  status: 200,
  ...fields,
});
const restart = (seconds: number, name: string): KubeAction =>
  request(seconds, {
    verb: 'patch',
    resource: 'deployments',
    name,
    command: 'kubectl rollout',
    change: { body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at(seconds) } } } } } },
  });
const scale = (seconds: number, name: string): KubeAction =>
  request(seconds, { verb: 'patch', resource: 'deployments', subresource: 'scale', name, command: 'kubectl scale' });
const deletePod = (seconds: number, name: string): KubeAction => request(seconds, { verb: 'delete', resource: 'pods', name });

describe('computeScore', () => {
  it('gives 1000 for a clean repair at or under par', () => {
    const result = computeScore(recording({ timeToRepairSeconds: 300, kubeRequests: [scale(200, 'storefront')] }));
    expect(result.score).toBe(1000);
    expect(result.breakdown).toEqual({ base: 1000, timePenalty: 0, budgetPenalty: 0, hintPenalty: 0, collateralPenalty: 0, total: 1000 });
    expect(result.reasons).toEqual([]);
  });

  it('time: 20 points per minute over par, pro rata', () => {
    expect(computeScore(recording({ timeToRepairSeconds: 360 })).breakdown.timePenalty).toBe(20);
    expect(computeScore(recording({ timeToRepairSeconds: 420 })).breakdown.timePenalty).toBe(40);
    expect(computeScore(recording({ timeToRepairSeconds: 330 })).breakdown.timePenalty).toBe(10);
    expect(computeScore(recording({ timeToRepairSeconds: 420 })).reasons).toEqual([
      { term: 'time', points: 40, message: 'repaired in 7 min, 2 min over the par of 5 min' },
    ]);
  });

  it('budget: each objective may be red for the par time; 10 points per minute beyond, per objective', () => {
    const readings = [reading(-60, 'green'), reading(0, 'red', ['storefront-available']), reading(420, 'green')];
    const result = computeScore(recording({ timeToRepairSeconds: 420, slaReadings: readings }));
    expect(result.redSeconds).toBe(420);
    expect(result.breakdown.budgetPenalty).toBe(20);
    expect(result.reasons.find((r) => r.term === 'budget')?.message).toBe(
      'storefront-available was red for 7 min: 2 min beyond its error budget',
    );
    // Breaking a second objective on the way burns its budget too.
    const worse = [
      reading(0, 'red', ['storefront-available']),
      reading(10, 'red', ['storefront-available', 'checkout-available']),
      reading(420, 'green'),
    ];
    expect(computeScore(recording({ timeToRepairSeconds: 420, slaReadings: worse })).breakdown.budgetPenalty).toBe(20 + 18);
  });

  it('budget: red time before Start and after the repair does not count; flapping counts each red stretch', () => {
    const flapping = [
      reading(-100, 'red', ['storefront-available']),
      reading(0, 'red', ['storefront-available']),
      reading(200, 'green'),
      reading(250, 'red', ['storefront-available']),
      reading(500, 'green'),
      reading(600, 'red', ['storefront-available']),
    ];
    const result = computeScore(recording({ parTimeSeconds: 60, timeToRepairSeconds: 500, slaReadings: flapping }));
    expect(result.redSeconds).toBe(450);
    expect(result.breakdown.budgetPenalty).toBe(65); // (450 − 60) s = 6.5 min
  });

  it('budget: nothing to measure without a start or readings', () => {
    expect(
      computeScore(
        recording({ startedAt: undefined, timeToRepairSeconds: 900, slaReadings: [reading(0, 'red', ['storefront-available'])] }),
      ).breakdown.budgetPenalty,
    ).toBe(0);
    expect(computeScore(recording({ timeToRepairSeconds: 900 })).breakdown.budgetPenalty).toBe(0);
  });

  it('hints: 100 each in Challenge mode, free in Learn mode', () => {
    expect(computeScore(recording({ hintsUsed: 3 })).breakdown.hintPenalty).toBe(300);
    expect(computeScore(recording({ hintsUsed: 3 })).score).toBe(700);
    expect(computeScore(recording({ mode: 'learn', hintsUsed: 3 })).score).toBe(1000);
  });

  it('collateral: deleting the namespace costs 300', () => {
    const result = computeScore(recording({ kubeRequests: [request(30, { verb: 'delete', resource: 'namespaces', name: 'fl-abc' })] }));
    expect(result.breakdown.collateralPenalty).toBe(300);
    expect(result.reasons[0]?.message).toContain('deleted the namespace fl-abc');
  });

  it('collateral: many pods at once is a mass deletion; pods deleted again and again is symptom-only', () => {
    const burst = [deletePod(10, 'a'), deletePod(12, 'b'), deletePod(15, 'c')];
    expect(computeScore(recording({ kubeRequests: burst })).breakdown.collateralPenalty).toBe(100);
    expect(
      computeScore(recording({ kubeRequests: [request(5, { verb: 'deletecollection', resource: 'pods', namespace: 'fl-x' })] })).breakdown
        .collateralPenalty,
    ).toBe(100);
    const spread = [deletePod(10, 'a'), deletePod(60, 'b'), deletePod(120, 'c')];
    const symptom = computeScore(recording({ kubeRequests: spread }));
    expect(symptom.breakdown.collateralPenalty).toBe(50);
    expect(symptom.reasons[0]?.message).toContain('treats the symptom');
    expect(computeScore(recording({ kubeRequests: [deletePod(10, 'a'), deletePod(60, 'b')] })).breakdown.collateralPenalty).toBe(0);
  });

  it('collateral: restarting every deployment blindly costs 150, restarting the one at fault nothing', () => {
    const blind = ['storefront', 'catalog', 'cart', 'checkout'].map((name, i) => restart(100 + i, name));
    const result = computeScore(recording({ kubeRequests: blind }));
    expect(result.breakdown.collateralPenalty).toBe(150);
    expect(result.reasons).toHaveLength(1);
    expect(computeScore(recording({ kubeRequests: [restart(100, 'storefront')] })).breakdown.collateralPenalty).toBe(0);
  });

  it('collateral: scaling or deleting workloads the failure did not involve costs 50 each', () => {
    const result = computeScore(
      recording({
        kubeRequests: [
          scale(50, 'catalog'),
          scale(60, 'catalog'),
          request(70, { verb: 'delete', resource: 'deployments', name: 'cart' }),
          scale(80, 'storefront'),
          request(90, { verb: 'delete', resource: 'replicasets', name: 'storefront-7d9c5b' }),
        ],
      }),
    );
    expect(result.breakdown.collateralPenalty).toBe(100);
    expect(result.reasons.map((r) => r.message)).toEqual([
      'changed deployments/cart, which the failure did not involve',
      'changed deployments/catalog, which the failure did not involve',
    ]);
  });

  it('collateral: refused requests and reads cost nothing; the total is capped at 500', () => {
    expect(
      computeScore(
        recording({
          kubeRequests: [
            request(1, { verb: 'delete', resource: 'namespaces', name: 'x', status: 403 }),
            request(2, { verb: 'list', resource: 'pods' }),
          ],
        }),
      ).breakdown.collateralPenalty,
    ).toBe(0);
    const everything = [
      request(1, { verb: 'delete', resource: 'namespaces', name: 'x' }),
      request(2, { verb: 'delete', resource: 'namespaces', name: 'y' }),
      deletePod(10, 'a'),
      deletePod(11, 'b'),
      deletePod(12, 'c'),
    ];
    expect(computeScore(recording({ kubeRequests: everything })).breakdown.collateralPenalty).toBe(500);
  });

  it('never goes below 100, and says so', () => {
    const hopeless = computeScore(recording({ timeToRepairSeconds: 100 * 3600, hintsUsed: 20 }));
    expect(hopeless.score).toBe(100);
    expect(hopeless.breakdown.total).toBe(100);
    expect(hopeless.reasons.at(-1)?.term).toBe('floor');
  });

  it('the breakdown adds up: base minus penalties (plus what the floor gives back) is the total', () => {
    const result = computeScore(
      recording({
        timeToRepairSeconds: 777,
        hintsUsed: 2,
        kubeRequests: [scale(5, 'cart')],
        slaReadings: [reading(0, 'red', ['storefront-available'])],
      }),
    );
    const { base, timePenalty, budgetPenalty, hintPenalty, collateralPenalty, total } = result.breakdown;
    expect(base - timePenalty - budgetPenalty - hintPenalty - collateralPenalty).toBe(total);
    expect(result.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(base - total);
    expect(result.score).toBe(total);
  });

  it('is deterministic: the same recording always scores the same, whatever the order of requests', () => {
    const requests = [deletePod(10, 'a'), scale(50, 'cart'), deletePod(11, 'b'), deletePod(12, 'c')];
    const first = computeScore(recording({ kubeRequests: requests }));
    expect(computeScore(recording({ kubeRequests: [...requests].reverse() }))).toEqual(first);
  });
});
