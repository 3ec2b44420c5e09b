// One provider call per poll interval serves every waiting session; a failing provider gives unknown.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SlaEvaluator } from '../../activities/sla/evaluator.ts';
import type { SlaProvider, SlaTarget } from '../../activities/sla/types.ts';

const objective = { name: 'web', description: 'web up', kubeState: { serviceHasReadyEndpoints: { name: 'web' } } };
const target = (n: number): SlaTarget => ({ sessionId: `s${n}`, namespace: `fl-${n}`, objectives: [objective] });

function countingProvider(fail = false) {
  const calls: number[] = [];
  const provider: SlaProvider = {
    name: 'counting',
    async evaluate(targets) {
      calls.push(targets.length);
      await sleep(20);
      if (fail) throw new Error('provider down');
      return new Map(
        targets.map((t) => [
          t.sessionId,
          { status: 'green' as const, objectives: [{ name: 'web', status: 'green' as const }], sampledAt: Date.now() },
        ]),
      );
    },
  };
  return { provider, calls };
}

let evaluator: SlaEvaluator | undefined;
afterEach(() => evaluator?.close());

describe('SlaEvaluator', () => {
  it('serves 200 sessions waiting in the same interval with one provider call', async () => {
    const { provider, calls } = countingProvider();
    evaluator = new SlaEvaluator(provider, 200);
    const readings = await Promise.all(Array.from({ length: 200 }, (_, n) => evaluator!.next(target(n))));
    expect(readings.every((r) => r.status === 'green')).toBe(true);
    expect(calls).toEqual([200]);
  });

  it('evaluates at most once per poll interval however often sessions ask', async () => {
    const { provider, calls } = countingProvider();
    evaluator = new SlaEvaluator(provider, 150);
    const started = Date.now();
    const loop = async (n: number) => {
      for (let i = 0; i < 4; i += 1) await evaluator!.next(target(n));
    };
    await Promise.all([loop(1), loop(2), loop(3)]);
    expect(calls.length).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150 - 5);
  });

  it('gives unknown, never green, when the provider throws', async () => {
    const { provider } = countingProvider(true);
    evaluator = new SlaEvaluator(provider, 50);
    const reading = await evaluator.next(target(1));
    expect(reading.status).toBe('unknown');
    expect(reading.objectives).toEqual([{ name: 'web', description: 'web up', status: 'unknown' }]);
  });

  it('a cancelled watch stops waiting and leaves the batch', async () => {
    const { provider, calls } = countingProvider();
    evaluator = new SlaEvaluator(provider, 100);
    await evaluator.next(target(1));
    const controller = new AbortController();
    const waiting = evaluator.next(target(2), controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await sleep(150);
    expect(calls).toEqual([1]);
  });
});
