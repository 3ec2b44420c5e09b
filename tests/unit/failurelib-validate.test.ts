// `failurelib validate` as an author runs it, on a corpus of broken libraries: each problem as one exact
// `file:line:col path message` line, exit code 1, and never a stack trace. Most cases run the CLI in-process
// (fast); a few run the real process, so exit codes and stderr are checked end to end.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failurelibInProcess as failurelib, failurelibProcess } from '../support/failurelib-cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
beforeAll(() => process.chdir(ROOT));

const fixture = (name: string) => `tests/fixtures/broken-library/${name}`;
const SCENARIO = 'library/web-down/scenario.yaml';

describe('failurelib validate', () => {
  it('passes the real library', async () => {
    const { code, stdout } = await failurelib('validate');
    expect(stdout).toMatch(/^ok: 3 systems, \d+ scenarios\n$/);
    expect(code).toBe(0);
  });

  it.each([
    { name: 'bad-yaml', line: `${SCENARIO}:8:1 (yaml) Missing closing "quote` },
    {
      name: 'unknown-fault-type',
      line: `${SCENARIO}:19:22 spec.steps.0.fault.type unknown type "delete-the-internet" (known: scale-to-zero, service-selector-mismatch, wrong-target-port, nonexistent-image, env-var-changed, secret-credentials-corrupted, configmap-broken, liveness-probe-too-aggressive, cpu-limit-throttling, memory-limit-oom, network-policy-deny, resource-quota-too-small, hpa-max-too-low, webhook-fail-closed, node-affinity-unsatisfiable, chaos-mesh, node-cordon-drain)`,
    },
    // Inside serial/parallel the step schema is recursive: the member is checked with the schema it refers to.
    {
      name: 'unknown-fault-type-nested',
      line: `${SCENARIO}:23:30 spec.steps.0.serial.1.parallel.1.fault.type unknown type "delete-the-internet" (known: scale-to-zero, service-selector-mismatch, wrong-target-port, nonexistent-image, env-var-changed, secret-credentials-corrupted, configmap-broken, liveness-probe-too-aggressive, cpu-limit-throttling, memory-limit-oom, network-policy-deny, resource-quota-too-small, hpa-max-too-low, webhook-fail-closed, node-affinity-unsatisfiable, chaos-mesh, node-cordon-drain)`,
    },
    { name: 'wrong-argument-type', line: `${SCENARIO}:19:57 spec.steps.0.fault.args.deployment Expected string` },
    { name: 'missing-oracle', line: `${SCENARIO}:6:3 spec.oracle is required` },
    { name: 'unknown-system', line: `${SCENARIO}:8:19 spec.systems.1 unknown system "bank"` },
    { name: 'duplicate-step-id', line: `${SCENARIO}:21:11 spec.steps.1.id duplicate step id "outage"` },
    {
      name: 'duplicate-codename',
      line: 'library/web-down-again/scenario.yaml:7:13 spec.codename duplicate codename: scenario web-down already uses "Still Water"',
    },
    {
      name: 'revert-unknown-step',
      line: `${SCENARIO}:22:24 spec.steps.2.revert.fault revert of unknown step id "outtage" (fault steps: outage)`,
    },
    {
      name: 'solution-missing-object',
      line: `${SCENARIO}:27:11 spec.solutions.0.commands.1 names Service "web-frontend", which is neither in the manifests of system shop nor created by this scenario's faults`,
    },
    {
      name: 'journey-unknown',
      line: 'systems/shop/system.yaml:19:24 spec.objectives.0.journey.name no journey "checkout" in spec.loadGenerator.journeys',
    },
    {
      name: 'journey-step-unknown-service',
      line: 'systems/shop/system.yaml:16:24 spec.loadGenerator.journeys.0.steps.1.service no Service "catalog" in the manifests',
    },
  ])('$name: one exact line, exit 1', async ({ name, line }) => {
    const { code, stdout, stderr } = await failurelib('validate', fixture(name));
    expect(stdout).toBe(`${fixture(name)}/${line}\n1 problem\n`);
    expect(code).toBe(1);
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });

  it('reports every problem of several libraries in one run', async () => {
    const { code, stdout } = await failurelib('validate', fixture('many-problems'), fixture('missing-oracle'));
    expect(stdout.trim().split('\n')).toEqual([
      `${fixture('many-problems')}/${SCENARIO}:6:3 spec.oracle is required`,
      `${fixture('many-problems')}/${SCENARIO}:9:15 spec.difficulty expected one of: easy, medium, hard`,
      `${fixture('many-problems')}/${SCENARIO}:10:19 spec.parTimeSeconds Expected integer`,
      `${fixture('missing-oracle')}/${SCENARIO}:6:3 spec.oracle is required`,
      '4 problems',
    ]);
    expect(code).toBe(1);
  });

  it('as a process: exit 1 and the lines on stdout for a broken library', async () => {
    const { code, stdout, stderr } = await failurelibProcess(['validate', fixture('missing-oracle')]);
    expect(stdout).toBe(`${fixture('missing-oracle')}/${SCENARIO}:6:3 spec.oracle is required\n1 problem\n`);
    expect(code).toBe(1);
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('names a folder that does not exist, without a stack trace', async () => {
    const { code, stdout, stderr } = await failurelibProcess(['validate', 'no/such/library']);
    expect(stdout).toContain('no/such/library:1:1 (file) no such library folder');
    expect(code).toBe(1);
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('refuses an unknown command or option with exit 2 and one message', async () => {
    const unknown = await failurelibProcess(['explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^failurelib: unknown command "explode"/);
    const option = await failurelib('list', '--colour');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^failurelib: Unknown option '--colour'/);
    expect(unknown.stderr + option.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('failurelib list, show and render', () => {
  it('lists every scenario with its systems and difficulty', async () => {
    const { code, stdout } = await failurelib('list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ID\s+SYSTEMS\s+DIFFICULTY/);
    expect(stdout).toMatch(/storefront-scaled-to-zero\s+demo-app\s+easy\s+3m\s+Quiet Shopfront/);
  });

  it('shows a scenario by id or codename', async () => {
    const byCodename = await failurelib('show', 'quiet shopfront');
    expect(byCodename.stdout).toContain('name: storefront-scaled-to-zero');
    expect((await failurelib('show', 'nope')).code).toBe(2);
  });

  it('renders the manifests and the objects the faults create', { timeout: 30_000 }, async () => {
    const { code, stdout } = await failurelib('render', 'catalog-network-policy-deny', '--system', 'demo-app');
    expect(code).toBe(0);
    expect(stdout).toContain('kind: Deployment');
    expect(stdout).toMatch(/kind: NetworkPolicy[\s\S]*name: catalog-lockdown/);
    const wrongSystem = await failurelib('render', 'catalog-network-policy-deny', '--system', 'travel-logic');
    expect(wrongSystem.code).toBe(2);
    expect(wrongSystem.stderr).toMatch(/does not run on system "travel-logic"/);
  });
});
