// Runs a cluster tool's CLI (kind, vcluster) and returns what it printed. Its stdout may be a kubeconfig
// with credentials: it is returned, never logged; a failure reports the command and the tool's stderr.
import { execFile } from 'node:child_process';
import { findTool } from './tools.ts';

export class CliError extends Error {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  constructor(message: string, exitCode: number | undefined, stderr: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface CliOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** The tool is looked up at each call (project tools folder, then PATH), so installing it needs no restart. */
export function runCli(tool: string, args: string[], { env, timeoutMs = 10 * 60_000 }: CliOptions = {}): Promise<string> {
  const path = findTool(tool);
  if (!path) return Promise.reject(new CliError(`${tool} is not on PATH`, undefined, ''));
  return new Promise((resolve, reject) => {
    execFile(path, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = typeof error.code === 'number' ? error.code : undefined;
      const why = stderr.trim().split('\n').slice(-5).join(' | ') || error.message;
      reject(new CliError(`${tool} ${args.slice(0, 2).join(' ')} failed (exit ${code ?? error.signal ?? '?'}): ${why}`, code, stderr));
    });
  });
}
