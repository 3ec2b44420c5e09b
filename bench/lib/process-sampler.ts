// Samples a process's CPU use and memory from /proc (Linux): CPU % over each interval from utime + stime
// in /proc/<pid>/stat, resident memory from VmRSS in /proc/<pid>/status. Threads (Temporal's Rust core,
// libuv's pool) are included: 100 % means one CPU fully busy.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessSample {
  at: number;
  cpuPercent: number;
  rssMiB: number;
}

/** utime + stime in clock ticks, from the text of /proc/<pid>/stat. */
export function parseCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unexpected /proc/<pid>/stat format');
  return utime + stime;
}

/** Resident set size in MiB, from the text of /proc/<pid>/status. */
export function parseRssMiB(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error('no VmRSS in /proc/<pid>/status (has the process exited?)');
  return Number(match[1]) / 1024;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

export interface ProcessSampler {
  /** Stops sampling and returns every sample taken (one per interval). */
  stop(): ProcessSample[];
  /** Samples taken so far. */
  readonly samples: readonly ProcessSample[];
}

export function sampleProcess(pid: number, intervalMs = 1000): ProcessSampler {
  const read = () => ({
    at: performance.now(),
    ticks: parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    rssMiB: parseRssMiB(readFileSync(`/proc/${pid}/status`, 'utf8')),
  });
  const samples: ProcessSample[] = [];
  let previous = read();
  const timer = setInterval(() => {
    try {
      const now = read();
      const seconds = (now.at - previous.at) / 1000;
      samples.push({ at: Date.now(), cpuPercent: ((now.ticks - previous.ticks) / ticksPerSecond() / seconds) * 100, rssMiB: now.rssMiB });
      previous = now;
    } catch {
      clearInterval(timer); // the process is gone: keep what was sampled
    }
  }, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
