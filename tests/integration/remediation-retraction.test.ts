// Retracting a verified remediation on the real stack (worker, Temporal, sim cluster, PGlite): subscribers told a
// remediation was verified hear `remediation.retracted` exactly once when a re-verification refutes it (here the
// scenario's oracle is raised in a new library, as a release loads at API start, so the fix no longer repairs it), the
// listing of verified remediations and the Atom feed drop it, and a subscriber whose endpoint is failing keeps the
// retraction in the outbox, retried until it answers. Verified again under the old library, it is published as
// verified again.
import { createHmac, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Remediation } from '../../api/reports/report-contract.ts';
import { startVerification } from '../../api/reports/verification-start.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { recordHistory } from '../support/record-history.ts';
import { minimalReport, REVIEWER } from '../support/reports-harness.ts';
import { startHarness, type Harness } from '../support/session-harness.ts';
import { startWebhooks, subscriptionsOf, type Subscriptions } from '../support/webhook-receiver.ts';

const SECRET = 'a-subscriber-secret-of-some-length';
const SCENARIO = 'storefront-scaled-to-zero';
const TAGS = ['workload-spec', 'unavailable', 'change'];

describe('retraction of a refuted remediation', () => {
  let harness: Harness;
  let webhooks: Awaited<ReturnType<typeof startWebhooks>>;
  let subscriptions: Subscriptions;
  /** While true, the `/down` subscriber's endpoint answers 503 (a receiver having a long bad moment). */
  let down = false;
  const libraryDir = mkdtempSync(join(tmpdir(), 'fl-retract-library-'));

  beforeAll(async () => {
    cpSync(resolve(import.meta.dirname, '../../scenarios'), libraryDir, { recursive: true });
    const pglite = inject('databases').find((database) => database.name === 'pglite')!;
    const taskQueue = `publications-${randomUUID()}`;
    harness = await startHarness({
      temporalAddress: inject('temporalAddress'),
      kubeconfig: inject('kubeconfig'),
      databaseUrl: pglite.url,
      publicationTaskQueue: taskQueue,
      env: {
        FL_REVIEWER_TOKEN: 'reviewer-test-token',
        FL_VERIFY_TIME_LIMIT_SECONDS: '40',
        WEB_ORIGIN: 'http://web.test',
        FL_SCENARIOS_DIR: libraryDir,
      },
    });
    webhooks = await startWebhooks(inject('temporalAddress'), taskQueue, harness.database.db, ({ path }) =>
      path === '/down' && down ? 503 : 200,
    );
    subscriptions = subscriptionsOf(harness.app, webhooks, SECRET);
  });

  afterAll(async () => {
    await webhooks?.close();
    await harness?.close();
    rmSync(libraryDir, { recursive: true, force: true });
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url, payload, headers });
  const subscribe = (path: string) => subscriptions.subscribe(path, ['workload-spec']);
  const accepted = (path: string) => subscriptions.accepted(path);
  const acceptedTypes = (path: string) => accepted(path).map((r) => r.payload.type);
  const listedIds = async () =>
    ((await harness.app.inject({ method: 'GET', url: '/api/remediations/verified?tag=workload-spec' })).json() as { id: string }[]).map(
      (r) => r.id,
    );
  /** Whether the Atom feed lists the remediation as a verified fix. */
  const inFeed = async (id: string) =>
    (await harness.app.inject({ method: 'GET', url: '/api/feed.atom?tag=workload-spec' })).body.includes(
      `urn:failurelib:remediation:${id}`,
    );
  const remediation = async (id: string) =>
    (await harness.app.inject({ method: 'GET', url: `/api/remediations/${id}` })).json() as Remediation;
  /**
   * Re-verifies the remediation against the library in `libraryRoot`, stale there, as an API starting with it does
   * (only this one: the database is shared with other files' remediations), and waits for the workflow's end.
   */
  async function reverified(reportId: string, id: string, libraryRoot: string, history?: string) {
    const deps = { db: harness.database.db, config: harness.config, temporal: harness.temporal, library: loadLibrary(libraryRoot) };
    const started = await startVerification(deps, {
      reportId,
      remediationId: id,
      actor: 'system',
      trigger: 'library-changed',
      onlyIfStale: true,
    });
    expect(started).toBeDefined();
    // The workflow's end: the verdict recorded and its publications dispatched.
    await harness.temporal.workflow.getHandle(started!.workflowId).result();
    if (history) recordHistory(inject('temporalAddress'), started!.workflowId, history);
    return remediation(id);
  }

  it('retracts a verified remediation once when it is refuted, drops it from the listing and the feed, and keeps it for a failing receiver', async () => {
    const steadyId = await subscribe('/steady');
    const downId = await subscribe('/down');
    const filed = await post('/api/reports', minimalReport('Storefront down after a scale to zero'), {
      'idempotency-key': `k-${randomUUID()}`,
    });
    const { id: reportId } = filed.json() as { id: string };
    const reviewed = await post(`/api/reports/${reportId}/review`, { status: 'published', tags: TAGS, scenarioId: SCENARIO }, REVIEWER);
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const added = await post(`/api/reports/${reportId}/remediations`, {
      summary: 'Scale it back up',
      commands: ['kubectl scale deployment/storefront --replicas=2'],
    });
    const { id } = added.json() as { id: string };
    const started = await post(`/api/reports/${reportId}/remediations/${id}/verify`, {}, REVIEWER);
    expect(started.statusCode, started.body).toBe(202);
    await harness.temporal.workflow.getHandle((started.json() as { workflowId: string }).workflowId).result();
    expect((await remediation(id)).status).toBe('verified');
    for (const path of ['/steady', '/down'])
      await expect
        .poll(() => acceptedTypes(path), { timeout: 30_000, interval: 250 })
        .toEqual(['report.published', 'remediation.verified']);
    expect(await listedIds()).toContain(id);
    expect(await inFeed(id)).toBe(true);

    // A new release raises the scenario's oracle to three available replicas: scaling to two no longer repairs it.
    const file = join(libraryDir, 'library', SCENARIO, 'scenario.yaml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    document.setIn(['spec', 'oracle', 'predicates', 0, 'deploymentAvailable', 'minAvailable'], 3);
    const raisedDir = mkdtempSync(join(tmpdir(), 'fl-retract-raised-'));
    cpSync(libraryDir, raisedDir, { recursive: true });
    writeFileSync(join(raisedDir, 'library', SCENARIO, 'scenario.yaml'), document.toString());
    down = true;
    const refuted = await reverified(reportId, id, raisedDir, 'verify-remediation-v2-refuted-retracted');
    rmSync(raisedDir, { recursive: true, force: true });
    expect(refuted).toMatchObject({ status: 'refuted', evidence: { reason: expect.stringMatching(/^SLA still red/) } });
    const [refutation] = refuted.verifications!;
    expect(refutation).toMatchObject({ trigger: 'library-changed', status: 'refuted' });

    // The steady subscriber hears it once, signed; the listing no longer has it.
    await expect
      .poll(() => acceptedTypes('/steady'), { timeout: 30_000, interval: 250 })
      .toEqual(['report.published', 'remediation.verified', 'remediation.retracted']);
    const retraction = accepted('/steady')[2]!;
    expect(retraction.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(retraction.body).digest('hex')}`);
    expect(retraction.payload).toEqual({
      type: 'remediation.retracted',
      remediation: {
        id,
        reportId,
        url: `http://web.test/reports/${reportId}`,
        tags: TAGS,
        scenarioId: SCENARIO,
        systemId: 'demo-app',
        verificationId: refutation!.sessionId,
        refutedAt: refutation!.finishedAt,
        reason: expect.stringMatching(/^SLA still red \(or the oracle failing\) 40s after the session started/),
      },
    });
    expect(retraction.body).not.toContain(SECRET);
    expect(await listedIds()).not.toContain(id);
    expect(await inFeed(id)).toBe(false);

    // The failing receiver's retraction waits in the outbox, retried, until the receiver answers again.
    const pending = async () => (await subscriptions.deliveryLog(downId)).find((d) => d.publication.startsWith('remediation-retracted:'));
    await expect.poll(async () => (await pending())?.attempts ?? 0, { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    expect(await pending()).toMatchObject({
      publication: `remediation-retracted:${id}:${refutation!.sessionId}`,
      lastStatus: 503,
      deliveredAt: null,
    });
    down = false;
    await expect
      .poll(() => acceptedTypes('/down'), { timeout: 60_000, interval: 500 })
      .toEqual(['report.published', 'remediation.verified', 'remediation.retracted']);
    expect(accepted('/down')[2]!.payload).toEqual(retraction.payload);
    expect(await pending()).toMatchObject({ lastStatus: 200, deliveredAt: expect.any(String) });

    // Verified again once the library is the old one: published as verified again, to both.
    const again = await reverified(reportId, id, libraryDir);
    expect(again.status).toBe('verified');
    for (const path of ['/steady', '/down'])
      await expect
        .poll(() => acceptedTypes(path), { timeout: 30_000, interval: 250 })
        .toEqual(['report.published', 'remediation.verified', 'remediation.retracted', 'remediation.verified']);
    expect(await listedIds()).toContain(id);
    expect(await inFeed(id)).toBe(true);
    // Exactly one retraction each, and nothing else since.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const subscriberId of [steadyId, downId])
      expect(
        (await subscriptions.deliveryLog(subscriberId)).filter((d) => d.publication.startsWith('remediation-retracted:')),
      ).toHaveLength(1);
    expect(acceptedTypes('/steady')).toHaveLength(4);
  }, 400_000);
});
