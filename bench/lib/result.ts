// The shape of one benchmark's result file (bench/results/<name>.json) and how it is built and stored.
import { readdirSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { summarize, type Summary } from './stats.ts';

/**
 * A goal from issue #9, checked against one statistic of the measured samples: either an absolute bound
 * (`max`, in the metric's unit; `min` for a goal of at least so much, e.g. "≥ 8 concurrent sessions") or a bound
 * relative to the baseline measured beside it (`maxRatio`: the statistic ÷ the same statistic of the baseline,
 * e.g. "gateway median ≤ 1.2 × direct median").
 */
export type Goal =
  { stat: 'median' | 'p95'; max: number } | { stat: 'median' | 'p95'; min: number } | { stat: 'median' | 'p95'; maxRatio: number };

export interface Metric {
  name: string;
  unit: string;
  samples: number[];
  summary: Summary;
  baseline?: { label: string; samples: number[]; summary: Summary };
  goal?: Goal;
}

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the benchmark started: a busy machine makes every number worse. */
  loadAverage1m: number;
}

export interface BenchResult {
  name: string;
  title: string;
  description: string;
  command: string;
  quick: boolean;
  date: string;
  durationSeconds: number;
  machine: MachineInfo;
  params: Record<string, string | number | boolean>;
  metrics: Metric[];
  notes: string[];
}

export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function metric(
  name: string,
  unit: string,
  samples: number[],
  options: { baseline?: { label: string; samples: number[] }; goal?: Goal } = {},
): Metric {
  const { baseline, goal } = options;
  // A ratio goal without a baseline could never be checked; say so where the metric is built, not in the report.
  if (goal && 'maxRatio' in goal && !(baseline && baseline.samples.length > 0)) {
    throw new Error(`metric "${name}": a maxRatio goal needs baseline samples`);
  }
  return {
    name,
    unit,
    samples,
    summary: summarize(samples),
    ...(baseline && baseline.samples.length > 0 ? { baseline: { ...baseline, summary: summarize(baseline.samples) } } : {}),
    ...(goal ? { goal } : {}),
  };
}

export function writeResult(dir: string, result: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  // Written beside and renamed, so a crashed run never leaves half a result behind (*.tmp is ignored by git).
  writeFileSync(`${path}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every result file in `dir`; files of another shape are listed in `skipped` instead of failing the report. */
export function readResults(dir: string): { results: BenchResult[]; skipped: string[] } {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort();
  } catch {
    return { results: [], skipped: [] };
  }
  const results: BenchResult[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchResult;
      if (isBenchResult(parsed)) results.push(parsed);
      else skipped.push(file);
    } catch {
      skipped.push(file);
    }
  }
  return { results, skipped };
}

function isBenchResult(value: unknown): value is BenchResult {
  const candidate = value as Partial<BenchResult> | null;
  return (
    typeof candidate?.name === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.date === 'string' &&
    Array.isArray(candidate.metrics) &&
    candidate.metrics.every((m) => typeof m?.name === 'string' && typeof m.summary?.median === 'number') &&
    typeof candidate.machine?.cpuModel === 'string'
  );
}
