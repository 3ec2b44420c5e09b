// The benchmark suite of issue #9 in one command:  node bench/run.ts [--quick] [--only name,...]
//
// Starts the real infrastructure once (Temporal dev server, simulated cluster, PGlite), runs each benchmark,
// writes bench/results/<name>.json and regenerates BENCHMARKS.md from every result file.
//
// A benchmark is a file bench/<name>.ts. If it exports `benchmark` (see bench/lib/benchmark.ts) it runs in
// this process against the shared services; otherwise it is run as its own script, `node bench/<name>.ts
// [--quick]`, with the services' addresses in BENCH_TEMPORAL_ADDRESS, BENCH_KUBECONFIG and BENCH_DATABASE_URL,
// and is expected to write bench/results/<name>.json itself, in the shape of bench/lib/result.ts (writeResult),
// to appear in BENCHMARKS.md. Files not there yet are skipped with a message.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectKube } from '../cluster/kube.ts';
import { openDatabase } from '../db/client.ts';
import { ROOT } from '../infra/lib/tools.ts';
import { loadLibrary } from '../scenarios/lib/load.ts';
import type { Benchmark, BenchContext } from './lib/benchmark.ts';
import { renderBenchmarks } from './lib/markdown.ts';
import { machineInfo, readResults, writeResult } from './lib/result.ts';
import { startInfra } from './lib/stack.ts';

/** Every benchmark of the suite, in report order. */
export const SUITE = [
  'session-ready',
  'first-session',
  'repair-detection',
  'scale',
  'ws-fanout',
  'gateway-overhead',
  'sla-batching',
  'report-similarity',
  'verification-agreement',
  'real-sessions',
  'web-first-load',
  'api-replicas',
];
const BENCH_DIR = join(ROOT, 'bench');
const RESULTS_DIR = join(BENCH_DIR, 'results');

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log(`usage: node bench/run.ts [--quick] [--only ${SUITE.join(',')}]`);
  process.exit(0);
}
const only = values.only
  ?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !SUITE.includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; the suite is: ${SUITE.join(', ')}`);
  process.exit(2);
}
const quick = values.quick ?? false;
const command = ['node bench/run.ts', ...process.argv.slice(2)].join(' ');
const t0 = performance.now();
const say = (message: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${message}`);

const selected = (only ?? SUITE).filter((name) => {
  if (existsSync(join(BENCH_DIR, `${name}.ts`))) return true;
  say(`${name}: skipped, bench/${name}.ts does not exist (yet)`);
  return false;
});
if (selected.length === 0) {
  writeReport();
  process.exit(0);
}
const inProcess = (name: string) => /export const benchmark\b/.test(readFileSync(join(BENCH_DIR, `${name}.ts`), 'utf8'));

const workDir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
say(`starting Temporal dev server, simulated cluster and PGlite (logs in ${workDir})`);
// Full runs need room for 200 sessions × 8 pods; each fake node takes 110 pods.
const infra = await startInfra({ dir: workDir, nodeCount: quick ? 3 : 20 }).catch((error: unknown) => {
  say(`the services could not start: ${error instanceof Error ? error.message : String(error)}; logs kept in ${workDir}`);
  process.exit(1);
});
const database = openDatabase(infra.databaseUrl, { maxConnections: 2 });
const context: BenchContext = {
  quick,
  infra,
  database,
  workDir,
  kube: connectKube(infra.kubeconfig),
  library: loadLibrary(join(ROOT, 'scenarios')),
  log: (message) => say(`  ${message}`),
};
let shuttingDown = false;
const shutdown = async () => {
  if (shuttingDown) return;
  shuttingDown = true;
  await database.close().catch(() => {});
  await infra.stop();
};
process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));

const failed: string[] = [];
try {
  for (const name of selected) {
    say(`${name}: running${quick ? ' (quick)' : ''}`);
    const started = performance.now();
    try {
      if (inProcess(name)) await runInProcess(name, started);
      else await runAsScript(name);
      say(`${name}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } catch (error) {
      failed.push(name);
      say(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
} finally {
  await shutdown();
}

writeReport();
if (failed.length > 0) {
  say(`failed: ${failed.join(', ')}; service logs kept in ${workDir}`);
  process.exit(1);
}
rmSync(workDir, { recursive: true, force: true });

function writeReport(): void {
  const { results, skipped } = readResults(RESULTS_DIR);
  for (const file of skipped) say(`BENCHMARKS.md: bench/results/${file} is not a benchmark result; left out`);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderBenchmarks(results, SUITE));
  say(`BENCHMARKS.md regenerated from ${results.length} result files`);
}

async function runInProcess(name: string, started: number): Promise<void> {
  const machine = machineInfo();
  const date = new Date().toISOString();
  const { benchmark } = (await import(`./${name}.ts`)) as { benchmark: Benchmark };
  const output = await benchmark.run(context);
  const path = writeResult(RESULTS_DIR, {
    name: benchmark.name,
    title: benchmark.title,
    description: benchmark.description,
    command,
    quick,
    date,
    durationSeconds: (performance.now() - started) / 1000,
    machine,
    ...output,
  });
  say(`${name}: wrote ${path}`);
}

async function runAsScript(name: string): Promise<void> {
  // Its output goes straight to this terminal, so its progress and errors are seen as they happen.
  const child = spawn(process.execPath, [join('bench', `${name}.ts`), ...(quick ? ['--quick'] : [])], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      BENCH_TEMPORAL_ADDRESS: infra.temporalAddress,
      BENCH_KUBECONFIG: infra.kubeconfig,
      BENCH_DATABASE_URL: infra.databaseUrl,
      BENCH_COMMAND: command,
    },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`node bench/${name}.ts exited with code ${code}`);
}
