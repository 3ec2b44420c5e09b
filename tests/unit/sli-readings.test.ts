// The SLA samples as a chart reads them: one time axis, a value per objective, red spans, a sentence each.
import { describe, expect, it } from 'vitest';
import { buildSliSeries, describeObjective, type SliSample } from '../../domain/sli-readings.ts';

const T = 1_700_000_000_000;
const s = (seconds: number) => T + seconds * 1000;

/** A kube-state objective: its value is the ready endpoints, its target 2. */
const storefront = (status: string, value?: number) => ({
  name: 'storefront',
  status,
  ...(value === undefined ? {} : { value }),
  target: 2,
});

describe('buildSliSeries', () => {
  it('gives each objective a value per sample, held until the session window ends, with its red spans', () => {
    const samples: SliSample[] = [
      { at: s(0), status: 'green', objectives: [storefront('green', 2)] },
      { at: s(10), status: 'red', objectives: [storefront('red', 0)] },
      { at: s(12), status: 'red', objectives: [storefront('red', 1)] },
      { at: s(40), status: 'green', objectives: [storefront('green', 2)] },
    ];
    const series = buildSliSeries(samples, { from: s(-5), to: s(60) });
    expect(series.from).toBe(s(-5));
    expect(series.times).toEqual([s(0), s(10), s(12), s(40), s(60)]);
    expect(series.redSpans).toEqual([{ from: s(10), to: s(40) }]);
    expect(series.objectives).toEqual([
      { name: 'storefront', sli: 'reading', target: 2, values: [2, 0, 1, 2, 2], redSpans: [{ from: s(10), to: s(40) }] },
    ]);
    expect(describeObjective(series, series.objectives[0]!)).toBe('storefront: red for 30 s in 1 span; latest reading 2 (target 2).');
  });

  it('charts the success rate and p95 latency where the provider measured them, and a span still red runs to now', () => {
    const checkout = (status: string, successRate: number, p95Ms: number) => ({
      name: 'checkout',
      status,
      value: successRate,
      target: 0.99,
      slis: { successRate, p95Ms, requests: 20 },
    });
    const samples: SliSample[] = [
      { at: s(0), status: 'green', objectives: [checkout('green', 1, 40)] },
      { at: s(5), status: 'red', objectives: [checkout('red', 0.5, 900)] },
      { at: s(9), status: 'green', objectives: [checkout('green', 1, 35)] },
      { at: s(20), status: 'red', objectives: [checkout('red', 0.25, 1200)] },
    ];
    const series = buildSliSeries(samples, { to: s(30) });
    const [objective] = series.objectives;
    expect(objective).toMatchObject({ sli: 'successRate', values: [1, 0.5, 1, 0.25, 0.25], latencyP95Ms: [40, 900, 35, 1200, 1200] });
    expect(objective?.redSpans).toEqual([
      { from: s(5), to: s(9) },
      { from: s(20), to: s(30) },
    ]);
    expect(describeObjective(series, objective!)).toBe(
      'checkout: red for 14 s in 2 spans, red now; latest success rate 25 % (target 99 %), p95 latency 1200 ms.',
    );
  });

  it('leaves a gap where an objective is unknown or missing, and keeps objectives apart', () => {
    const samples: SliSample[] = [
      { at: s(0), status: 'unknown', objectives: [storefront('unknown'), { name: 'catalog', status: 'green', value: 1 }] },
      { at: s(3), status: 'red', objectives: [{ name: 'catalog', status: 'red', value: 0 }] },
      { at: s(6), status: 'green', objectives: [storefront('green', 2), { name: 'catalog', status: 'green', value: 1 }] },
    ];
    const series = buildSliSeries(samples, { to: s(6) });
    expect(series.times).toEqual([s(0), s(3), s(6)]); // nothing to extend: the last sample is the window's end
    expect(series.objectives.map((o) => [o.name, o.values, o.redSpans])).toEqual([
      ['storefront', [null, null, 2], []],
      ['catalog', [1, 0, 1], [{ from: s(3), to: s(6) }]],
    ]);
    expect(series.redSpans).toEqual([{ from: s(3), to: s(6) }]);
    expect(describeObjective(series, series.objectives[0]!)).toBe('storefront: never red; latest reading 2 (target 2).');
  });

  it('starts at `from`: earlier samples only set the state there, so a sandbox coming up is no red span', () => {
    const samples: SliSample[] = [
      { at: s(0), status: 'red', objectives: [storefront('red', 0)] },
      { at: s(4), status: 'green', objectives: [storefront('green', 2)] },
      { at: s(20), status: 'red', objectives: [storefront('red', 0)] },
    ];
    const ready = buildSliSeries(samples, { from: s(10), to: s(30) });
    expect(ready.times).toEqual([s(10), s(20), s(30)]);
    expect(ready.objectives[0]?.values).toEqual([2, 0, 0]);
    expect(ready.redSpans).toEqual([{ from: s(20), to: s(30) }]);
    // A sample exactly at `from` is its own first point.
    expect(buildSliSeries(samples, { from: s(4), to: s(30) }).times).toEqual([s(4), s(20), s(30)]);
  });

  it('sorts samples, ignores those after the window and answers an empty series before the first reading', () => {
    const samples: SliSample[] = [
      { at: s(20), status: 'green', objectives: [storefront('green', 2)] },
      { at: s(5), status: 'red', objectives: [storefront('red', 0)] },
      { at: s(99), status: 'red', objectives: [storefront('red', 0)] },
    ];
    const series = buildSliSeries(samples, { to: s(30) });
    expect(series.times).toEqual([s(5), s(20), s(30)]);
    expect(series.objectives[0]?.values).toEqual([0, 2, 2]);
    expect(series.redSpans).toEqual([{ from: s(5), to: s(20) }]);

    const empty = buildSliSeries([], { from: s(0), to: s(10) });
    expect(empty).toEqual({ from: s(0), to: s(10), times: [], redSpans: [], objectives: [] });
  });
});
