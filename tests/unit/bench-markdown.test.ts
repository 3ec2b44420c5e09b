// BENCHMARKS.md as a reader sees it: one table per benchmark with median, p95, baseline, ratio and the
// goal's verdict, the exact command, the machine and the date.
import { describe, expect, it } from 'vitest';
import { formatNumber, renderBenchmarks, verdict } from '../../bench/lib/markdown.ts';
import { metric, type BenchResult } from '../../bench/lib/result.ts';

const machine = { cpuModel: 'Test CPU 3000', cpuCount: 2, memoryGiB: 8, node: 'v24.0.0', kernel: '6.1.0', loadAverage1m: 0.5 };

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    name: 'session-ready',
    title: 'Session ready time',
    description: 'Create → ready.',
    command: 'node bench/run.ts --only session-ready',
    quick: false,
    date: '2026-11-22T01:00:00.000Z',
    durationSeconds: 61,
    machine,
    params: { sessions: 20 },
    metrics: [
      metric('ready time', 'ms', [1000, 2000, 3000, 4000], {
        baseline: { label: 'direct', samples: [500, 1000, 1500] },
        goal: { stat: 'p95', max: 3000 },
      }),
    ],
    notes: ['A note.'],
    ...overrides,
  };
}

describe('renderBenchmarks', () => {
  it('renders the median, p95, baseline, ratio, goal and verdict of each metric', () => {
    const markdown = renderBenchmarks([result()]);
    expect(markdown).toContain('| metric | median | p95 | baseline median | ratio | goal | result |');
    expect(markdown).toContain('| ready time (n=4) | 2500 ms | 4000 ms | 1000 ms (direct) | 2.50× | p95 ≤ 3000 ms | FAIL |');
  });

  it('passes a metric whose goal statistic is within the goal, and shows no verdict without a goal', () => {
    const markdown = renderBenchmarks([
      result({
        metrics: [metric('fast', 'ms', [10, 20], { goal: { stat: 'p95', max: 20 } }), metric('informative', '%', [50])],
      }),
    ]);
    expect(markdown).toContain('| fast (n=2) | 15.0 ms | 20.0 ms | — | — | p95 ≤ 20.0 ms | pass |');
    expect(markdown).toContain('| informative (n=1) | 50.0 % | 50.0 % | — | — | — | — |');
  });

  it('names the command, the machine and the date, and flags quick runs', () => {
    const markdown = renderBenchmarks([result({ quick: true, command: 'node bench/run.ts --quick' })]);
    expect(markdown).toContain('Command: `node bench/run.ts --quick` (quick smoke run');
    expect(markdown).toContain('Date: 2026-11-22T01:00:00.000Z');
    expect(markdown).toContain('Machine: Test CPU 3000, 2 CPUs, 8 GiB, Node v24.0.0');
    expect(markdown).toContain('- A note.');
  });

  it('orders benchmarks by the suite order, then by name, and says so when there are none', () => {
    const markdown = renderBenchmarks(
      [result({ name: 'zeta', title: 'Zeta' }), result({ name: 'scale', title: 'Scale' }), result({ name: 'alpha', title: 'Alpha' })],
      ['scale'],
    );
    expect(markdown.indexOf('## Scale')).toBeLessThan(markdown.indexOf('## Alpha'));
    expect(markdown.indexOf('## Alpha')).toBeLessThan(markdown.indexOf('## Zeta'));
    expect(renderBenchmarks([])).toContain('No results yet');
  });

  it('escapes pipes in metric names so a table row stays one row', () => {
    const markdown = renderBenchmarks([result({ metrics: [metric('a|b', 'ms', [1])] })]);
    expect(markdown).toContain('| a\\|b (n=1) |');
  });
});

describe('goals relative to the baseline (maxRatio)', () => {
  const direct = { label: 'direct', samples: [100, 100, 100] };

  it('passes when the statistic ÷ the baseline statistic is within the ratio, and shows the goal as a multiple of the baseline', () => {
    const gateway = metric('get pods via gateway', 'ms', [110, 120, 130], { baseline: direct, goal: { stat: 'median', maxRatio: 1.2 } });
    expect(verdict(gateway)).toBe('pass');
    expect(renderBenchmarks([result({ metrics: [gateway] })])).toContain(
      '| get pods via gateway (n=3) | 120 ms | 130 ms | 100 ms (direct) | 1.20× | median ≤ 1.20× baseline | pass |',
    );
  });

  it('fails when the ratio is exceeded, checking the named statistic rather than the median', () => {
    const slowTail = metric('get pods via gateway', 'ms', [100, 100, 200], { baseline: direct, goal: { stat: 'p95', maxRatio: 1.5 } });
    expect(verdict(slowTail)).toBe('FAIL');
    expect(renderBenchmarks([result({ metrics: [slowTail] })])).toContain('| 1.00× | p95 ≤ 1.50× baseline | FAIL |');
    expect(
      verdict(
        metric('requests per interval', '', [7], { baseline: { label: '1 session', samples: [6] }, goal: { stat: 'median', maxRatio: 1 } }),
      ),
    ).toBe('FAIL');
  });

  it('against a baseline of 0 passes only a 0', () => {
    const zero = { label: '1 session', samples: [0] };
    expect(verdict(metric('429s', '', [0], { baseline: zero, goal: { stat: 'median', maxRatio: 1 } }))).toBe('pass');
    expect(verdict(metric('429s', '', [1], { baseline: zero, goal: { stat: 'median', maxRatio: 1 } }))).toBe('FAIL');
  });

  it('cannot be built without a baseline, and fails a hand-made metric that has none', () => {
    expect(() => metric('alone', 'ms', [1], { goal: { stat: 'median', maxRatio: 1.2 } })).toThrow('needs baseline samples');
    const { baseline: _dropped, ...withoutBaseline } = metric('alone', 'ms', [1], {
      baseline: direct,
      goal: { stat: 'median', maxRatio: 1.2 },
    });
    expect(verdict(withoutBaseline)).toBe('FAIL');
  });
});

describe('formatNumber', () => {
  it('keeps three significant digits for small values and whole numbers for large ones', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(4.567)).toBe('4.57');
    expect(formatNumber(78.94)).toBe('78.9');
    expect(formatNumber(1234.5)).toBe('1235');
  });
});

describe('goals of at least so much (min)', () => {
  it('passes at or above the bound, fails below it, and shows the goal as ≥', () => {
    const held = metric('concurrent sessions held', 'sessions', [8], { goal: { stat: 'median', min: 8 } });
    expect(verdict(held)).toBe('pass');
    expect(renderBenchmarks([result({ metrics: [held] })])).toContain('| median ≥ 8.00 sessions | pass |');
    expect(verdict(metric('concurrent sessions held', 'sessions', [6], { goal: { stat: 'median', min: 8 } }))).toBe('FAIL');
  });
});
