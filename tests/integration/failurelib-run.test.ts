// `failurelib run --solve` against a real API (worker, Temporal, sim cluster, PGlite): a headless session goes
// from provisioning to completed, the reference solution repairs it, and the CLI exits 0 with a score. A
// scenario whose fault breaks nothing the SLA measures fails the run instead, without applying the fix.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { failurelibProcess as failurelib } from '../support/failurelib-cli.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The library plus a `spare` Deployment in the demo app that no objective measures, and a scenario that scales
 * the spare to zero: a fault that breaks nothing the SLA sees.
 */
function libraryWithHarmlessFault(): string {
  const root = mkdtempSync(join(tmpdir(), 'fl-harmless-library-'));
  for (const folder of ['systems', 'library']) cpSync(join(ROOT, 'scenarios', folder), join(root, folder), { recursive: true });
  appendFileSync(
    join(root, 'systems/demo-app/manifests.yaml'),
    `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: spare
  labels: { app.kubernetes.io/name: spare, app.kubernetes.io/part-of: demo-app }
spec:
  replicas: 1
  selector:
    matchLabels: { app.kubernetes.io/name: spare }
  template:
    metadata:
      labels: { app.kubernetes.io/name: spare, app.kubernetes.io/part-of: demo-app }
      annotations: { sim.failurelib.dev/startup-seconds: "1" }
    spec:
      containers:
        - name: spare
          image: localhost/failurelib/nginx:local
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } }
`,
  );
  mkdirSync(join(root, 'library/spare-scaled-to-zero'), { recursive: true });
  writeFileSync(
    join(root, 'library/spare-scaled-to-zero/scenario.yaml'),
    `apiVersion: failurelib.dev/v1
kind: Scenario
metadata:
  name: spare-scaled-to-zero
spec:
  title: A spare Deployment nobody uses scaled to zero
  codename: Empty Bench
  systems: [demo-app]
  difficulty: easy
  parTimeSeconds: 60
  timeLimitSeconds: 600
  tags: [replicas]
  source: { title: A made-up post-mortem, url: https://example.org }
  story: Nothing seems wrong.
  rootCause: The spare Deployment was scaled to zero.
  explanation: No objective measures the spare, so the SLA stays green.
  hints: [Look at the spare.]
  steps:
    - fault: { type: scale-to-zero, args: { deployment: spare } }
  oracle:
    holdSeconds: 0
    predicates:
      - deploymentAvailable: { name: spare, minAvailable: 1 }
  solutions:
    - commands: [kubectl scale deployment/spare --replicas=1]
`,
  );
  return root;
}

describe('failurelib run', () => {
  const harmlessLibrary = libraryWithHarmlessFault();
  let harness: Harness;
  let api: string;
  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      env: { FL_SCENARIOS_DIR: harmlessLibrary },
    });
    api = await harness.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(harmlessLibrary, { recursive: true, force: true });
  });

  it('plays a scenario headless and repairs it with --solve', async () => {
    const { code, stdout, stderr } = await failurelib(
      ['run', 'storefront-scaled-to-zero', '--system', 'demo-app', '--solve', '--api', api],
      150_000,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^session [0-9a-f-]+ \(storefront-scaled-to-zero on demo-app, learn mode\)/);
    // The fix comes only after the SLA reading went red.
    expect(stdout).toMatch(
      /phase running · SLA red \(shoppers-browse, storefront-reachable\)[\s\S]*\$ kubectl scale deployment\/storefront --replicas=2\n {2}ok/,
    );
    expect(stdout).toMatch(/phase completed · SLA green/);
    expect(stdout).toMatch(/score \d+, repaired in \d+s/);
  }, 180_000);

  it('fails --solve, without applying the fix, when the fault never turns the SLA red', async () => {
    const { code, stdout, stderr } = await failurelib(
      ['run', 'spare-scaled-to-zero', '--library', harmlessLibrary, '--solve', '--red-timeout', '15', '--api', api],
      150_000,
    );
    const [beforeFailure, afterFailure] = stdout.split('the SLA never went red within 15s');
    expect(beforeFailure).toMatch(/phase running/);
    // No objective read red (the light alone reads red from the start of running, before any reading).
    expect(beforeFailure).not.toMatch(/SLA red \(\w/);
    expect(afterFailure).toMatch(/phase abandoned/);
    expect(stdout).not.toContain('$ kubectl');
    expect(stderr).toBe(
      'failurelib: the SLA never went red within 15s after the fault was injected: the fault breaks nothing the SLA measures; the fix was not applied and the session is abandoned\n',
    );
    expect(code).toBe(1);
  }, 180_000);
});
