// Runs the `failurelib` CLI for tests: in-process (fast, the same runCli the process calls) or as the real process
// (exit codes, stderr and the PATH's tools end to end).
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../cli/main.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function failurelibInProcess(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    (line) => (stdout += `${line}\n`),
    (line) => (stderr += `${line}\n`),
  );
  return { code, stdout, stderr };
}

export async function failurelibProcess(args: string[], timeout = 60_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'cli/failurelib.ts'), ...args], {
      cwd: ROOT,
      timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
