// The numbers BENCHMARKS.md reports: nearest-rank percentiles, the median, and the /proc parsing behind
// the worker's CPU and memory figures.
import { describe, expect, it } from 'vitest';
import { parseCpuTicks, parseRssMiB } from '../../bench/lib/process-sampler.ts';
import { median, percentile, ratio, summarize } from '../../bench/lib/stats.ts';

describe('percentile (nearest rank)', () => {
  const twenty = Array.from({ length: 20 }, (_, index) => 20 - index); // 20, 19, …, 1: unsorted on purpose

  it('returns the ⌈p·n⌉-th smallest sample, a value that was really measured', () => {
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 50)).toBe(10);
    expect(percentile([3, 1, 2], 95)).toBe(3);
    expect(percentile([1.5, 2.5], 95)).toBe(2.5);
  });

  it('is the maximum at p100 and the single value of one sample', () => {
    expect(percentile(twenty, 100)).toBe(20);
    expect(percentile([42], 95)).toBe(42);
  });

  it('refuses no samples, non-finite samples and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 95)).toThrow(/no samples/);
    expect(() => percentile([1, Number.NaN], 95)).toThrow(/finite/);
    expect(() => percentile([1], 0)).toThrow(/percentile/);
    expect(() => percentile([1], 101)).toThrow(/percentile/);
  });
});

describe('median and summary', () => {
  it('is the middle sample for odd counts and the mean of the two middle ones for even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarises without reordering the caller’s samples', () => {
    const samples = [30, 10, 20];
    expect(summarize(samples)).toEqual({ n: 3, median: 20, p95: 30, min: 10, max: 30, mean: 20 });
    expect(samples).toEqual([30, 10, 20]);
  });

  it('gives no ratio against a zero baseline', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(1, 0)).toBeUndefined();
  });
});

describe('/proc parsing', () => {
  it('adds utime and stime, even when the command name has spaces and parentheses', () => {
    const stat = '4242 (node (worker) main) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000';
    expect(parseCpuTicks(stat)).toBe(1234 + 567);
  });

  it('reads VmRSS in MiB and fails clearly when the process is gone', () => {
    expect(parseRssMiB('Name:\tnode\nVmPeak:\t  900000 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n')).toBe(200);
    expect(() => parseRssMiB('Name:\tnode\n')).toThrow(/VmRSS/);
  });
});
