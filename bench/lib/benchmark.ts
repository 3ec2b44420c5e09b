// What a benchmark module exports, and what the runner hands it.
import type { Kube } from '../../cluster/kube.ts';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import type { Metric } from './result.ts';
import type { Infra } from './stack.ts';

export interface BenchContext {
  quick: boolean;
  infra: Infra;
  /** The engine's own credentials for the simulated cluster (baselines and leak checks). */
  kube: Kube;
  library: Library;
  /** A connection to the benchmark database, for benchmarks that write or read rows directly. */
  database: DatabaseHandle;
  /** Scratch folder for kubeconfigs and logs; removed after the run. */
  workDir: string;
  log(message: string): void;
}

export interface BenchOutput {
  params: Record<string, string | number | boolean>;
  metrics: Metric[];
  notes: string[];
}

export interface Benchmark {
  name: string;
  title: string;
  /** One paragraph for BENCHMARKS.md: what is timed, from when to when, and what the baseline is. */
  description: string;
  run(context: BenchContext): Promise<BenchOutput>;
}
