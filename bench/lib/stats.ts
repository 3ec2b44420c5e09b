// Summary statistics of benchmark samples.
//
// Percentile method: nearest rank on the sorted samples, p-th percentile = sorted[ceil(p/100 × n) − 1]
// (so the p95 of 20 samples is the 19th smallest, and p100 is the maximum). It always returns a value
// that was really measured, never an interpolation between two. The median is the usual one: the middle
// sample, or the mean of the two middle samples when n is even.

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

function sorted(samples: readonly number[]): number[] {
  if (samples.length === 0) throw new Error('no samples to summarise');
  if (samples.some((value) => !Number.isFinite(value))) throw new Error('samples must be finite numbers');
  return [...samples].sort((a, b) => a - b);
}

export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const values = sorted(samples);
  return values[Math.ceil((p / 100) * values.length) - 1] as number;
}

export function median(samples: readonly number[]): number {
  const values = sorted(samples);
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? (values[middle] as number) : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const values = sorted(samples);
  return {
    n: values.length,
    median: median(values),
    p95: percentile(values, 95),
    min: values[0] as number,
    max: values.at(-1) as number,
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
  };
}

/** How many times slower (or bigger) the measured value is than the baseline; undefined when the baseline is 0. */
export function ratio(value: number, baseline: number): number | undefined {
  return baseline === 0 ? undefined : value / baseline;
}
