// `failurelib remediate` on the real stack (worker, Temporal, sim cluster, PGlite, the kube gateway): a remediation of
// storefront-scaled-to-zero is verified by a real headless session and published with its detection; in a
// participant's sandbox where that scenario's fault is injected, the dry run finds it, says why and prints the
// commands without changing anything; --apply runs them through the participant's own kubeconfig, sees the
// detection clear, and the session's SLA turns green and it completes. Bad input gets one clear line.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, notInArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { VerifiedRemediation } from '../../api/reports/report-contract.ts';
import { sandboxNamespace } from '../../cluster/labels.ts';
import { kubeRequests } from '../../db/schema.ts';
import { freePort } from '../../infra/lib/ports.ts';
import { failurelibInProcess, failurelibProcess } from '../support/failurelib-cli.ts';
import { minimalReport, REVIEWER } from '../support/reports-harness.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { createSession, getSession, participantKubeconfig, waitForPhase } from '../support/session-client.ts';

const FIX = 'kubectl scale deployment/storefront --replicas=2';

describe('failurelib remediate', () => {
  let harness: Harness;
  let api: string;
  let remediationId: string;
  const scratch = mkdtempSync(join(tmpdir(), 'fl-remediate-'));

  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      env: { FL_REVIEWER_TOKEN: 'reviewer-test-token', FL_VERIFY_TIME_LIMIT_SECONDS: '90' },
    });
    api = await harness.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await harness?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('publishes a remediation verified by a real headless session with its commands and detection', async () => {
    // A published report of the scenario, its remediation verified by a real headless session.
    const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
      harness.app.inject({ method: 'POST', url, payload, headers });
    const filed = await post('/api/reports', minimalReport('The shop went dark: storefront at zero replicas'), {
      'idempotency-key': `remediate-${randomUUID()}`,
    });
    const reportId = (filed.json() as { id: string }).id;
    const reviewed = await post(
      `/api/reports/${reportId}/review`,
      { status: 'published', tags: ['workload-spec', 'unavailable', 'change'], scenarioId: 'storefront-scaled-to-zero' },
      REVIEWER,
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    remediationId = (
      (await post(`/api/reports/${reportId}/remediations`, { summary: 'Scale the storefront back up', commands: [FIX] })).json() as {
        id: string;
      }
    ).id;
    const verify = await post(`/api/reports/${reportId}/remediations/${remediationId}/verify`, {}, REVIEWER);
    expect(verify.statusCode, verify.body).toBe(202);
    const status = async () =>
      ((await harness.app.inject({ method: 'GET', url: `/api/remediations/${remediationId}` })).json() as { status: string }).status;
    await expect.poll(status, { timeout: 200_000, interval: 1000 }).not.toBe('verifying');
    expect(await status()).toBe('verified');
    const published = (
      await harness.app.inject({ method: 'GET', url: '/api/remediations/verified?system=demo-app' })
    ).json() as VerifiedRemediation[];
    const ours = published.find((r) => r.id === remediationId);
    expect(ours).toMatchObject({
      title: 'The shop went dark: storefront at zero replicas',
      commands: [FIX],
      evidence: { reason: expect.stringMatching(/^SLA green and the oracle holding/) },
      detection: {
        scenarioId: 'storefront-scaled-to-zero',
        systemId: 'demo-app',
        appliesTo: expect.arrayContaining([
          { kind: 'Deployment', name: 'storefront' },
          { kind: 'Service', name: 'checkout' },
        ]),
        brokenWhenAnyFails: [{ deploymentAvailable: { name: 'storefront', minAvailable: 1 } }],
      },
    });
    const elsewhere = (await harness.app.inject({ method: 'GET', url: '/api/remediations/verified?system=travel-logic' })).json() as {
      id: string;
    }[];
    expect(elsewhere.map((r) => r.id)).not.toContain(remediationId);
  }, 240_000);

  it('finds the injected fault in a sandbox, plans without changing anything, then applies and the session completes', async () => {
    const { id, participantToken: token } = await createSession(harness.app, { participant: { name: 'Remediate Test' } });
    await waitForPhase(harness.app, id, token, ['ready'], 120_000);
    const kubeconfig = await participantKubeconfig(harness.app, id, token);
    const namespace = sandboxNamespace(id);
    expect(
      (await harness.app.inject({ method: 'POST', url: `/api/sessions/${id}/start`, headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    await waitForPhase(harness.app, id, token, ['running'], 120_000);
    const writes = () =>
      harness.database.db
        .select({ verb: kubeRequests.verb, resource: kubeRequests.resource })
        .from(kubeRequests)
        .where(and(eq(kubeRequests.sessionId, id), notInArray(kubeRequests.verb, ['get', 'list', 'watch'])));

    const plan = await failurelibProcess(['remediate', '--kubeconfig', kubeconfig, '--namespace', namespace, '--api', api], 240_000);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout)
      .toContain(`✗ The shop went dark: storefront at zero replicas — remediation ${remediationId} (verified on storefront-scaled-to-zero, system demo-app): MATCHES
    because Deployment storefront has 0 available replica(s), needs at least 1
    fix: Scale the storefront back up
    $ ${FIX}
`);
    expect(plan.stdout).toMatch(/dry run: nothing was changed; run again with --apply to apply the plan\n$/);
    // Nothing changed: no write went through the gateway, the storefront is still at zero and the session still running.
    expect(await writes()).toEqual([]);
    expect((await harness.kube.apps.readNamespacedDeployment({ name: 'storefront', namespace })).spec?.replicas).toBe(0);
    expect((await getSession(harness.app, id, token)).phase).toBe('running');

    const applied = await failurelibProcess(
      ['remediate', '--kubeconfig', kubeconfig, '--namespace', namespace, '--api', api, '--apply'],
      240_000,
    );
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(
      `applying ${remediationId}: The shop went dark: storefront at zero replicas\n$ ${FIX}\n  deployment.apps/storefront scaled\n`,
    );
    expect(applied.stdout).toMatch(new RegExp(`fixed: the detection of ${remediationId} no longer matches \\(\\d+s after its commands\\)`));
    expect(applied.code).toBe(0);
    // The fix went through the gateway as the participant's own step, and the session judges the repair.
    expect(await writes()).toEqual([{ verb: 'patch', resource: 'deployments' }]);
    const done = await waitForPhase(harness.app, id, token, ['completed', 'timed_out', 'failed'], 120_000);
    expect(done.phase).toBe('completed');
    expect(done.sla.status).toBe('green');
  }, 400_000);

  it('says what is wrong with its input and changes nothing', async () => {
    const admin = inject('kubeconfig');
    const garbage = join(scratch, 'garbage.kubeconfig');
    writeFileSync(garbage, 'this: [is not a kubeconfig');
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const deadCluster = join(scratch, 'dead-cluster.kubeconfig');
    writeFileSync(deadCluster, readFileSync(admin, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${await freePort()}`));
    const cases: [string[], number, string | RegExp][] = [
      [['--namespace', 'default'], 2, 'failurelib: remediate needs --kubeconfig <file>\n'],
      [['--kubeconfig', admin, '--namespace', 'Not_A_Namespace'], 2, 'failurelib: --namespace "Not_A_Namespace" is not a namespace name\n'],
      [
        ['--kubeconfig', join(scratch, 'missing'), '--namespace', 'default'],
        1,
        `failurelib: --kubeconfig ${join(scratch, 'missing')}: no such file\n`,
      ],
      [
        ['--kubeconfig', garbage, '--namespace', 'default'],
        1,
        new RegExp(`^failurelib: --kubeconfig ${garbage} is not a usable kubeconfig: `),
      ],
      [
        ['--kubeconfig', deadCluster, '--namespace', 'default'],
        1,
        /^failurelib: cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+ \(--kubeconfig .*dead-cluster\.kubeconfig\): .*ECONNREFUSED.*\n$/,
      ],
      [
        ['--kubeconfig', admin, '--namespace', 'fl-no-such-namespace'],
        1,
        /^failurelib: no namespace "fl-no-such-namespace" in the cluster at https:\/\/127\.0\.0\.1:\d+ \(--kubeconfig .*\)\n$/,
      ],
      [
        ['--kubeconfig', admin, '--namespace', 'default', '--api', nowhere],
        1,
        /^failurelib: cannot reach the API at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
      ],
    ];
    for (const [args, code, stderr] of cases) {
      const result = await failurelibInProcess('remediate', '--api', api, ...args);
      expect({ code: result.code, stdout: result.stdout }, args.join(' ')).toEqual({ code, stdout: '' });
      if (typeof stderr === 'string') expect(result.stderr).toBe(stderr);
      else expect(result.stderr).toMatch(stderr);
    }
    // A namespace that does not run the system: nothing applies, so nothing is planned (and --apply changes nothing).
    const unrelated = await failurelibInProcess('remediate', '--api', api, '--kubeconfig', admin, '--namespace', 'default', '--apply');
    expect(unrelated.stdout).toContain(
      `remediation ${remediationId} (verified on storefront-scaled-to-zero, system demo-app): not applicable, the namespace has no Deployment/`,
    );
    expect(unrelated.stdout).toMatch(/plan: nothing to do, no verified remediation matches this namespace\n$/);
    expect(unrelated.code).toBe(0);
  });
});
