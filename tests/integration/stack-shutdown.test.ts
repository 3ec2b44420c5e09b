// The stack stops every service it started however it is stopped: SIGINT (Ctrl-C) or SIGTERM, to the launcher
// or to its whole process group, twice in a row as `npm run` delivers it, mid-session. Checked by pid (every
// descendant of the launcher is gone) and by port (nothing listens any more).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isPortOpen } from '../../infra/lib/ports.ts';
import { requireTool } from '../../infra/lib/tools.ts';
import { commandLine, descendants, isRunning, watchDescendants } from '../support/process-tree.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fl-stack-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a launcher in a process group of its own (as a shell starts a job) and waits for `readyLine`. */
async function launch(command: string, args: string[], env: NodeJS.ProcessEnv, readyLine: RegExp, timeoutMs: number): Promise<Launched> {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const deadline = Date.now() + timeoutMs;
  while (!readyLine.test(output)) {
    if (child.exitCode !== null) throw new Error(`${command} exited with code ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`${command} not ready after ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return { child, output: () => output, exited };
}

type Target = 'process' | 'group' | 'group, then process (npm run forwards it)';

function send(launched: Launched, signal: NodeJS.Signals, target: Target): void {
  const pid = launched.child.pid!;
  if (target === 'process') process.kill(pid, signal);
  else process.kill(-pid, signal);
  if (target === 'group, then process (npm run forwards it)') process.kill(pid, signal);
}

/**
 * Waits until the launcher and every process seen under it are gone (or time runs out), then checks that the
 * launcher said it stopped everything, by pid and by port. `exit` is the launcher's expected exit status.
 */
async function expectEverythingStopped(
  launched: Launched,
  pids: Map<number, string>,
  ports: number[],
  timeoutMs: number,
  exit?: { code: number | null; signal: NodeJS.Signals | null },
) {
  const deadline = Date.now() + timeoutMs;
  while (
    Date.now() < deadline &&
    ((launched.child.exitCode === null && launched.child.signalCode === null) || [...pids.keys()].some(isRunning))
  )
    await sleep(200);
  const left = [...pids].filter(([pid]) => isRunning(pid)).map(([pid, command]) => `${pid} ${command}`);
  for (const [pid] of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  expect(launched.output()).toMatch(/stopping…[\s\S]*stopped/);
  if (exit) expect(await launched.exited, launched.output()).toEqual(exit);
  expect(left).toEqual([]);
  const open = [];
  for (const port of ports) if (await isPortOpen(port)) open.push(port);
  expect(open).toEqual([]);
}

describe('the stack supervisor', () => {
  it.each<[NodeJS.Signals, Target]>([
    ['SIGINT', 'process'],
    ['SIGTERM', 'process'],
    ['SIGINT', 'group'],
    ['SIGTERM', 'group'],
    ['SIGTERM', 'group, then process (npm run forwards it)'],
  ])(
    '%s to the %s stops every child',
    async (signal, target) => {
      const port = await freePort();
      const launched = await launch(
        process.execPath,
        [join(ROOT, 'tests/support/supervisor-fixture.ts'), mkdtempSync(join(dir, 'fixture-')), String(port)],
        process.env,
        /^up$/m,
        30_000,
      );
      await expect.poll(() => isPortOpen(port), { timeout: 10_000 }).toBe(true);
      // The listener's own child is in place too (three processes at least: listener, its sleep, sleeper).
      await expect.poll(() => descendants(launched.child.pid!).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      const pids = new Map(descendants(launched.child.pid!).map((entry) => [entry.pid, entry.command]));
      send(launched, signal, target);
      // The hanging service is given up on after its time limit, which the launcher says and its exit status shows.
      await expectEverythingStopped(launched, pids, [port], 30_000, { code: 1, signal: null });
      expect(launched.output()).toContain('hanging service did not stop cleanly: timed out');
    },
    60_000,
  );
});

/** The whole stack on free ports with its own data folder. */
async function stackEnvironment(): Promise<{ env: NodeJS.ProcessEnv; ports: Record<string, number> }> {
  const ports = {
    API_PORT: await freePort(),
    WEB_PORT: await freePort(),
    FL_GATEWAY_PORT: await freePort(),
    PGLITE_PORT: await freePort(),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    SIM_API_PORT: await freePort(),
    SIM_ETCD_PORT: await freePort(),
    SIM_ETCD_PEER_PORT: await freePort(),
  };
  const { TEMPORAL_PORT, ...portKeys } = ports;
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(portKeys).map(([key, value]) => [key, String(value)])),
    TEMPORAL_ADDRESS: `127.0.0.1:${TEMPORAL_PORT}`,
    FL_DATA_DIR: mkdtempSync(join(dir, 'stack-')),
    CLUSTER_DRIVER: 'sim',
    FL_SLA_POLL_SECONDS: '1',
    LOG_LEVEL: 'warn',
  };
  return { env, ports };
}

describe('a launcher killed outright', () => {
  it('leaves its services to the next launcher, which stops them before starting', async () => {
    const port = await freePort();
    const fixtureDir = mkdtempSync(join(dir, 'fixture-'));
    const args = [join(ROOT, 'tests/support/supervisor-fixture.ts'), fixtureDir, String(port)];
    const first = await launch(process.execPath, args, process.env, /^up$/m, 30_000);
    await expect.poll(() => descendants(first.child.pid!).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const orphans = new Map(descendants(first.child.pid!).map((entry) => [entry.pid, entry.command]));
    // SIGKILL: no stop runs, the children live on.
    process.kill(first.child.pid!, 'SIGKILL');
    await first.exited;
    expect([...orphans.keys()].filter(isRunning)).toHaveLength(orphans.size);
    const second = await launch(process.execPath, args, process.env, /^up$/m, 30_000);
    try {
      expect(second.output()).toMatch(/^stopped 2 process group\(s\) a previous launcher left running: \S*node, sleep$/m);
      expect([...orphans].filter(([pid]) => isRunning(pid))).toEqual([]);
    } finally {
      const pids = new Map(descendants(second.child.pid!).map((entry) => [entry.pid, entry.command]));
      process.kill(second.child.pid!, 'SIGTERM');
      await expectEverythingStopped(second, pids, [port], 30_000, { code: 1, signal: null });
    }
  }, 90_000);
});

describe('the stack', () => {
  it('stops what it had started when a service cannot start', async () => {
    const { env, ports } = await stackEnvironment();
    // A tools folder without kwok, the last process the sim cluster starts: Temporal, the database, etcd and
    // the Kubernetes control plane are up when the start fails.
    const tools = mkdtempSync(join(dir, 'tools-'));
    mkdirSync(join(tools, 'bin'));
    mkdirSync(join(tools, 'venv', 'bin'), { recursive: true });
    for (const tool of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])
      symlinkSync(requireTool(tool), join(tools, 'bin', tool));
    symlinkSync(requireTool('temporal'), join(tools, 'venv', 'bin', 'temporal'));
    const path = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter);
    const child = spawn(process.execPath, ['infra/stack/main.ts'], {
      cwd: ROOT,
      env: { ...env, FL_TOOLS: tools, PATH: path },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const watched = watchDescendants(child.pid!);
    const exit = await Promise.race([
      new Promise<{ code: number | null }>((done) => child.once('exit', (code) => done({ code }))),
      sleep(240_000).then(() => ({ code: -1 })),
    ]);
    watched.stop();
    const left = [...watched.seen].filter(([pid]) => isRunning(pid)).map(([pid, command]) => `${pid} ${command}`);
    for (const [pid] of watched.seen) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    expect(output).toMatch(/could not start the stack: kwok not found[\s\S]*stopping…[\s\S]*stopped/);
    expect(exit).toEqual({ code: 1 });
    expect([...watched.seen.values()]).toEqual(expect.arrayContaining(['temporal', 'etcd', 'kube-apiserver']));
    expect(left).toEqual([]);
    const open = [];
    for (const port of Object.values(ports)) if (await isPortOpen(port)) open.push(port);
    expect(open).toEqual([]);
  }, 300_000);

  it('stops every service when its process group gets SIGTERM mid-session, through npm run, and Ctrl-C while stopping', async () => {
    const { env, ports } = await stackEnvironment();
    const launched = await launch('npm', ['run', '--silent', 'stack'], env, /the Failure Library is up/, 240_000);
    const watched = watchDescendants(launched.child.pid!);
    try {
      // Mid-session: a session provisioning its sandbox while the stack is told to stop.
      const created = await fetch(`http://127.0.0.1:${ports.API_PORT}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          scenarioId: 'storefront-scaled-to-zero',
          systemId: 'demo-app',
          mode: 'learn',
          participant: { name: 'Ada' },
        }),
      });
      expect(created.status).toBe(201);
      await sleep(1000);
      const names = [...watched.seen.values()];
      expect(names).toEqual(expect.arrayContaining(['temporal', 'etcd', 'kube-apiserver', 'kwok']));
      // The launcher itself, not the `sh -c` npm runs it with.
      const launcher = [...watched.seen.keys()].find((pid) => /^\S*node infra\/stack\/main\.ts$/.test(commandLine(pid)));
      expect(launcher).toBeDefined();
      // npm (the group leader) forwards the signal to the launcher, which so hears it twice. npm's own exit
      // status is npm's business (it re-raises the signal): the launcher and every process under it must be gone.
      send(launched, 'SIGTERM', 'group');
      // An impatient user presses Ctrl-C while it stops: the stop goes on (it used to exit at once, leaving
      // the services not yet stopped: etcd and the Temporal dev server, stopped last).
      await sleep(1500);
      if (isRunning(launcher!)) process.kill(launcher!, 'SIGINT');
      await expectEverythingStopped(launched, watched.seen, Object.values(ports), 90_000);
    } finally {
      watched.stop();
    }
  }, 400_000);
});
