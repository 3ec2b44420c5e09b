// The `failurelib` command from a fresh shell, where PATH finds the machine's Node (often older than 24): the
// bin hands over to the project's Node 24 in .tools/node, or says in one line what to run.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const MACHINE_NODE = '/usr/bin/node';
const machineMajor = existsSync(MACHINE_NODE)
  ? Number(execFileSync(MACHINE_NODE, ['-p', 'process.versions.node.split(".")[0]']).toString())
  : undefined;
const PLAIN_PATH = '/usr/local/bin:/usr/bin:/bin';

async function inFreshShell(
  command: string,
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const shellEnv = { HOME: process.env.HOME ?? '/root', PATH: PLAIN_PATH, ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', command], { cwd, env: shellEnv, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Only meaningful where the machine's Node is another major than the project's (the case users meet).
describe.skipIf(machineMajor === undefined || machineMajor === 24)(`failurelib with the machine's Node ${machineMajor}`, () => {
  it('npx failurelib runs on the project Node 24', async () => {
    const { code, stdout, stderr } = await inFreshShell('node --version && npx failurelib list');
    expect(stdout).toMatch(new RegExp(`^v${machineMajor}\\.`));
    expect(stdout).toMatch(/storefront-scaled-to-zero\s+demo-app\s+easy/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('keeps the exit status and output of the command, from another folder', async () => {
    const { code, stdout } = await inFreshShell(
      `${ROOT}/node_modules/.bin/failurelib validate ${ROOT}/tests/fixtures/broken-library/missing-oracle`,
      {},
      tmpdir(),
    );
    expect(stdout).toBe(
      `${ROOT}/tests/fixtures/broken-library/missing-oracle/library/web-down/scenario.yaml:6:3 spec.oracle is required\n1 problem\n`,
    );
    expect(code).toBe(1);
  }, 60_000);

  it('says in one line what to run when setup has not installed Node 24', async () => {
    const { code, stdout, stderr } = await inFreshShell('npx failurelib list', { FL_TOOLS: join(tmpdir(), 'no-such-tools') });
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^failurelib needs Node 24 \\(this is Node ${machineMajor}\\.\\d+\\.\\d+ at ${MACHINE_NODE}\\): run \`bash infra/setup.sh\` in `,
        ),
      ),
      '',
    ]);
    expect(code).toBe(1);
  }, 60_000);
});
