// Error budget from the SLA series: seconds red, per objective and weighted.
import { describe, expect, it } from 'vitest';
import { errorBudget, type SeriesSample } from '../../activities/sla/error-budget.ts';

const sample = (at: number, a: 'green' | 'red' | 'unknown', b: 'green' | 'red' | 'unknown'): SeriesSample => ({
  at: new Date(at * 1000),
  status: a === 'red' || b === 'red' ? 'red' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'green',
  objectives: [
    { name: 'a', status: a },
    { name: 'b', status: b },
  ],
});

describe('errorBudget', () => {
  const series = [
    sample(0, 'green', 'green'),
    sample(10, 'red', 'green'),
    sample(40, 'red', 'red'),
    sample(50, 'unknown', 'green'),
    sample(60, 'green', 'green'),
  ];

  it('counts each sample until the next, within the window', () => {
    const budget = errorBudget(series, 0, 100_000);
    expect(budget.redSeconds).toBe(40);
    expect(budget.unknownSeconds).toBe(10);
    expect(budget.perObjective).toEqual({ a: 40, b: 10 });
    expect(budget.weightedSeconds).toBe(50);
  });

  it('weights objectives and clips to the session window', () => {
    const budget = errorBudget(series, 20_000, 45_000, { b: 3 });
    expect(budget.perObjective).toEqual({ a: 25, b: 5 });
    expect(budget.weightedSeconds).toBe(25 + 15);
  });

  it('a session still red at the end burns until the end', () => {
    expect(errorBudget([sample(0, 'red', 'green')], 0, 30_000).redSeconds).toBe(30);
    expect(errorBudget([], 0, 30_000).redSeconds).toBe(0);
  });
});
