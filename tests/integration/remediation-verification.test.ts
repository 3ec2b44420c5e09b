// Verifying remediations on the real stack (worker, Temporal, sim cluster, PGlite): the verifyRemediation workflow
// plays a headless session of the report's scenario with the remediation's commands as the solution. The scenario's
// reference solution is `verified`; `kubectl get pods` changes nothing and is `refuted` with its reason. Both carry
// their session as evidence and an audit entry.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { minimalReport } from '../support/reports-harness.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';

const REVIEWER = { authorization: 'Bearer reviewer-test-token' };

describe('remediation verification', () => {
  let harness: Harness;
  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      env: { FL_REVIEWER_TOKEN: 'reviewer-test-token', FL_VERIFY_TIME_LIMIT_SECONDS: '40' },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload, headers });

  async function reportOfScenario(scenarioId: string): Promise<string> {
    const filed = await post('/api/reports', minimalReport('Storefront down after a scale to zero'), {
      'idempotency-key': `k-${randomUUID()}`,
    });
    const { id } = filed.json() as { id: string };
    const reviewed = await post(
      `/api/reports/${id}/review`,
      { status: 'published', tags: ['workload-spec', 'unavailable', 'change'], scenarioId },
      REVIEWER,
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    return id;
  }

  async function verify(reportId: string, commands: string[]) {
    const added = await post(`/api/reports/${reportId}/remediations`, { summary: 'The fix', commands });
    const { id } = added.json() as { id: string };
    expect((await post(`/api/reports/${reportId}/remediations/${id}/verify`, {})).statusCode).toBe(401);
    const started = await post(`/api/reports/${reportId}/remediations/${id}/verify`, {}, REVIEWER);
    expect(started.statusCode, started.body).toBe(202);
    const body = started.json() as { workflowId: string; sessionId: string; status: string };
    expect(body).toMatchObject({
      workflowId: expect.stringMatching(new RegExp(`^verify-remediation-${id}-[0-9a-f]{16}$`)),
      status: 'verifying',
    });
    // A second request while it runs is refused, not a second session.
    expect((await post(`/api/reports/${reportId}/remediations/${id}/verify`, {}, REVIEWER)).statusCode).toBe(409);
    const remediation = async () =>
      (await harness.app.inject({ method: 'GET', url: `/api/remediations/${id}` })).json() as {
        status: string;
        evidence?: { sessionId: string; reason: string };
      };
    expect((await remediation()).status).toBe('verifying');
    await expect.poll(async () => (await remediation()).status, { timeout: 170_000, interval: 1000 }).not.toBe('verifying');
    const audit = (await harness.app.inject({ method: 'GET', url: `/api/reports/${reportId}/audit`, headers: REVIEWER })).json() as {
      action: string;
    }[];
    return {
      id,
      workflowId: body.workflowId,
      session: body.sessionId,
      remediation: await remediation(),
      actions: audit.map((a) => a.action),
    };
  }

  it('verifies the reference solution and refutes a command that fixes nothing, each with its session', async () => {
    const reportId = await reportOfScenario('storefront-scaled-to-zero');
    const [right, wrong] = await Promise.all([
      verify(reportId, ['kubectl scale deployment/storefront --replicas=2']),
      verify(reportId, ['kubectl get pods']),
    ]);
    expect(right.remediation).toEqual(
      expect.objectContaining({
        status: 'verified',
        evidence: { sessionId: right.session, reason: expect.stringMatching(/^SLA green and the oracle holding/) },
      }),
    );
    expect(wrong.remediation).toEqual(
      expect.objectContaining({
        status: 'refuted',
        evidence: { sessionId: wrong.session, reason: expect.stringMatching(/^SLA still red .* after the session started/) },
      }),
    );
    const audit = (await harness.app.inject({ method: 'GET', url: `/api/reports/${reportId}/audit`, headers: REVIEWER })).json() as {
      action: string;
      actor: string;
    }[];
    expect(audit.filter((a) => a.action.includes('verif') || a.action.includes('refuted'))).toEqual([
      expect.objectContaining({ action: 'verification started', actor: 'reviewer' }),
      expect.objectContaining({ action: 'verification started', actor: 'reviewer' }),
      expect.objectContaining({ action: 'remediation verified', actor: 'system' }),
      expect.objectContaining({ action: 'remediation refuted', actor: 'system' }),
    ]);
    // The evidence is a real session: it completed (repaired) for the right fix, timed out for the wrong one.
    const described = await harness.temporal.workflow.getHandle(right.workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
  }, 200_000);
});
