// Result files: what one benchmark writes is what the report reads back, and a file of another shape
// (another tool's JSON in bench/results/) is left out of BENCHMARKS.md instead of breaking it.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { machineInfo, metric, readResults, writeResult, type BenchResult } from '../../bench/lib/result.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('result files', () => {
  it('round-trips a result, leaves no temporary file and skips foreign JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    dirs.push(dir);
    const written: BenchResult = {
      name: 'ws-fanout',
      title: 'WebSocket fan-out',
      description: 'd',
      command: 'node bench/run.ts',
      quick: true,
      date: new Date(0).toISOString(),
      durationSeconds: 1,
      machine: machineInfo(),
      params: {},
      notes: [],
      metrics: [metric('latency', 'ms', [1, 2, 3])],
    };
    writeResult(dir, written);
    writeFileSync(join(dir, 'other-tool.json'), '{"hello":"world"}');
    writeFileSync(join(dir, 'broken.json'), '{');
    const { results, skipped } = readResults(dir);
    expect(results).toEqual([written]);
    expect(skipped.sort()).toEqual(['broken.json', 'other-tool.json']);
    expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('reads nothing from a folder that does not exist yet', () => {
    expect(readResults(join(tmpdir(), 'no-such-bench-results'))).toEqual({ results: [], skipped: [] });
  });

  it('describes the machine from node:os', () => {
    const machine = machineInfo();
    expect(machine.cpuCount).toBeGreaterThan(0);
    expect(machine.memoryGiB).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
  });
});
