// Verified remediations published to webhook subscribers on the real stack (worker, Temporal, sim cluster, PGlite):
// a remediation of a published report that the verifyRemediation workflow finds verified reaches a matching
// subscriber exactly once, signed, although the receiver fails its first attempt; the payload is the machine-readable
// shape of GET /api/remediations/verified with markup JSON-encoded. A re-verification that stays verified sends
// nothing again; a report published again tells a new subscriber about its verified remediation, the old one nothing.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordHistory } from '../support/record-history.ts';
import { minimalReport, REVIEWER } from '../support/reports-harness.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { startWebhooks, subscriptionsOf, type Received, type Subscriptions } from '../support/webhook-receiver.ts';

const SECRET = 'a-subscriber-secret-of-some-length';
const TAGS = ['workload-spec', 'unavailable', 'change'];

describe('publication of verified remediations', () => {
  let harness: Harness;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  let received: Received[];
  let subscribe: Subscriptions['subscribe'];
  let deliveryLog: Subscriptions['deliveryLog'];
  let accepted: Subscriptions['accepted'];

  beforeAll(async () => {
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    const taskQueue = `publications-${randomUUID()}`;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      publicationTaskQueue: taskQueue,
      env: { FL_REVIEWER_TOKEN: 'reviewer-test-token', FL_VERIFY_TIME_LIMIT_SECONDS: '40', WEB_ORIGIN: 'http://web.test' },
    });
    // Fails the first attempt of every delivery (a receiver having a bad moment), then accepts.
    webhooks = await startWebhooks(inject('temporalAddress'), taskQueue, harness.database.db, ({ delivery }, before) =>
      before.some((r) => r.delivery === delivery) ? 200 : 503,
    );
    ({ received } = webhooks);
    ({ subscribe, deliveryLog, accepted } = subscriptionsOf(harness.app, webhooks, SECRET));
  });

  afterAll(async () => {
    await webhooks?.close();
    await harness?.close();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload, headers });
  const remediationStatus = async (id: string) =>
    ((await harness.app.inject({ method: 'GET', url: `/api/remediations/${id}` })).json() as { status: string }).status;
  async function verified(reportId: string, remediationId: string, history?: string) {
    const started = await post(`/api/reports/${reportId}/remediations/${remediationId}/verify`, {}, REVIEWER);
    expect(started.statusCode, started.body).toBe(202);
    const { workflowId } = started.json() as { workflowId: string };
    // The workflow's end: the verdict recorded and its publications dispatched.
    await harness.temporal.workflow.getHandle(workflowId).result();
    if (history) recordHistory(inject('temporalAddress'), workflowId, history);
    expect(await remediationStatus(remediationId)).toBe('verified');
  }

  it('delivers a remediation turning verified once, signed, and not again when it stays verified', async () => {
    const subscriberId = await subscribe('/first', ['workload-spec']);
    const filed = await post('/api/reports', minimalReport('Storefront <b>down</b> after a scale to zero'), {
      'idempotency-key': `k-${randomUUID()}`,
    });
    const { id: reportId } = filed.json() as { id: string };
    const reviewed = await post(
      `/api/reports/${reportId}/review`,
      { status: 'published', tags: TAGS, scenarioId: 'storefront-scaled-to-zero' },
      REVIEWER,
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    await expect.poll(() => accepted('/first').length, { timeout: 30_000, interval: 250 }).toBe(1);

    const summary = 'Scale it back up </script><script>alert("x")</script> & check';
    const added = await post(`/api/reports/${reportId}/remediations`, {
      summary,
      commands: ['kubectl scale deployment/storefront --replicas=2'],
    });
    expect(added.statusCode, added.body).toBe(201);
    const { id: remediationId } = added.json() as { id: string };
    // The replay test's history of a verification that published (the dispatchPublications branch).
    await verified(reportId, remediationId, 'verify-remediation-v2-verified-published');

    await expect.poll(() => accepted('/first').length, { timeout: 60_000, interval: 250 }).toBe(2);
    const delivered = accepted('/first').find((r) => r.payload.type === 'remediation.verified')!;
    expect(received.filter((r) => r.delivery === delivered.delivery).map((r) => r.status)).toEqual([503, 200]);
    expect(delivered.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(delivered.body).digest('hex')}`);
    // Markup travels JSON-encoded (\u003c…): no raw <, > or & reaches the receiver, and the text is unchanged.
    expect(delivered.body).not.toMatch(/[<>&]/);
    const machineReadable = (await harness.app.inject({ method: 'GET', url: '/api/remediations/verified?tag=workload-spec' })).json() as {
      id: string;
    }[];
    expect(delivered.payload).toEqual({ type: 'remediation.verified', remediation: machineReadable.find((r) => r.id === remediationId) });
    expect(delivered.payload).toMatchObject({
      remediation: {
        summary,
        reportId,
        url: `http://web.test/reports/${reportId}`,
        commands: ['kubectl scale deployment/storefront --replicas=2'],
        detection: { scenarioId: 'storefront-scaled-to-zero', brokenWhenAnyFails: expect.arrayContaining([expect.anything()]) },
      },
    });
    const log = await deliveryLog(subscriberId);
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          publication: expect.stringMatching(new RegExp(`^remediation-verified:${remediationId}:[0-9a-f]{16}$`)),
          attempts: 2,
          lastStatus: 200,
          deliveredAt: expect.any(String),
        }),
      ]),
    );

    // Verified again with the same commands against the same scenario: the same content, nothing new to deliver.
    await verified(reportId, remediationId);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(accepted('/first').map((r) => r.payload.type)).toEqual(['report.published', 'remediation.verified']);
    expect(await deliveryLog(subscriberId)).toHaveLength(2);

    // Published again after a rejection: a subscriber added since hears of the report and its verified remediation;
    // the first one has had both.
    const secondId = await subscribe('/second', ['unavailable']);
    expect((await post(`/api/reports/${reportId}/review`, { status: 'rejected' }, REVIEWER)).statusCode).toBe(200);
    expect((await post(`/api/reports/${reportId}/review`, { status: 'published', tags: TAGS }, REVIEWER)).statusCode).toBe(200);
    await expect.poll(() => accepted('/second').length, { timeout: 30_000, interval: 250 }).toBe(2);
    expect(
      accepted('/second')
        .map((r) => r.payload.type)
        .sort(),
    ).toEqual(['remediation.verified', 'report.published']);
    // Its payload as of now: the second verification's time and evidence.
    const now = (await harness.app.inject({ method: 'GET', url: '/api/remediations/verified?tag=workload-spec' })).json() as {
      id: string;
    }[];
    expect(accepted('/second').find((r) => r.payload.type === 'remediation.verified')!.payload).toEqual({
      type: 'remediation.verified',
      remediation: now.find((r) => r.id === remediationId),
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(accepted('/first')).toHaveLength(2);
    expect(await deliveryLog(secondId)).toHaveLength(2);
  }, 300_000);
});
