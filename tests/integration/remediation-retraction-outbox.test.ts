// Retraction in the outbox, on the real databases (PGlite and PostgreSQL), through the verification activity that
// records verdicts (no session or cluster: the verdicts are given). A remediation subscribers were told was verified
// and is then refuted is retracted to exactly those subscribers, once; a second refuted verdict in a row publishes
// nothing; verified again it is published again, even with the same content, and a new refutation retracts that.
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createVerificationActivities } from '../../activities/verification/verification-activities.ts';
import { loadConfig } from '../../config/config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { enqueueVerifiedRemediations } from '../../db/publications.ts';
import { remediations, remediationVerifications, reports, subscribers, webhookDeliveries } from '../../db/schema.ts';
import { selectVerifiedRemediations } from '../../db/verified-remediations.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';

const SCENARIO = 'storefront-scaled-to-zero';
const WEB = 'http://web.test';
const SECRET = 'a-subscriber-secret-never-sent';

describe.each(inject('databases'))('retraction of refuted remediations on $name', ({ url }) => {
  let handle: DatabaseHandle;
  const library = loadLibrary(loadConfig({}).scenariosDir);
  // A tag of this file's own: subscribers of other files (the database is shared) match only if they have no tags.
  const tag = `retraction-${randomUUID().slice(0, 8)}`;

  beforeAll(() => {
    handle = openDatabase(url, { maxConnections: 3 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const activities = () =>
    createVerificationActivities({
      db: handle.db,
      kubeFor: () => Promise.reject(new Error('no cluster here')),
      publish: { library, webOrigin: WEB, taskQueue: 'unused' },
    });

  async function subscriber(tags: string[]) {
    const id = randomUUID();
    await handle.db.insert(subscribers).values({ id, url: `http://127.0.0.1:1/${id}`, secret: SECRET, tags });
    return id;
  }

  async function publishedReportWithRemediation(reportStatus: 'published' | 'submitted' = 'published') {
    const reportId = randomUUID();
    await handle.db.insert(reports).values({
      id: reportId,
      idempotencyKey: `k-${reportId}`,
      status: reportStatus,
      title: 'Storefront down after a scale to zero',
      tags: [tag, 'unavailable'],
      scenarioId: SCENARIO,
    });
    const remediationId = randomUUID();
    await handle.db
      .insert(remediations)
      .values({ id: remediationId, reportId, summary: 'Scale it back', commands: ['kubectl scale deployment/storefront --replicas=2'] });
    return { reportId, remediationId };
  }

  /** A verification started and its verdict recorded by the activity: the publications it returns. */
  async function verdictOf(remediationId: string, status: 'verified' | 'refuted', reason = `${status} by the session`) {
    const sessionId = randomUUID();
    await handle.db.update(remediations).set({ status: 'verifying' }).where(eq(remediations.id, remediationId));
    await handle.db.insert(remediationVerifications).values({
      id: sessionId,
      remediationId,
      workflowId: `verify-remediation-${remediationId}-x`,
      trigger: 'library-changed',
      scenarioId: SCENARIO,
      systemId: 'demo-app',
      commands: ['kubectl scale deployment/storefront --replicas=2'],
      scenarioDigest: 's',
      systemDigest: 'y',
      commandsDigest: 'c',
      digest: randomUUID().slice(0, 16),
    });
    const record = () => activities().recordVerification({ remediationId, verdict: { status, reason, sessionId, commands: [] } });
    return { sessionId, publications: await record(), again: record };
  }

  const deliveries = (subscriberIds: string[]) =>
    handle.db
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.subscriberId, subscriberIds))
      .orderBy(webhookDeliveries.createdAt);

  it('retracts once to the subscribers told it was verified, and publishes it again when verified again', async () => {
    const first = await subscriber([tag]);
    const second = await subscriber([]);
    const ours = [first, second];
    const { reportId, remediationId } = await publishedReportWithRemediation();

    // Refuted before anyone was told it was verified: nothing to retract.
    expect((await verdictOf(remediationId, 'refuted')).publications).toEqual([]);

    const verified = await verdictOf(remediationId, 'verified');
    expect(verified.publications).toEqual([expect.stringMatching(new RegExp(`^remediation-verified:${remediationId}:[0-9a-f]{16}$`))]);
    expect((await deliveries(ours)).map((d) => [d.subscriberId, d.publication]).sort()).toEqual(
      ours.map((s) => [s, verified.publications[0]]).sort(),
    );
    // Subscribed since: never told it was verified, so never told it is retracted.
    const late = await subscriber([tag]);
    ours.push(late);

    const longReason = `SLA still red (or the oracle failing) 40s after the session started, the commands run; failed: ${'x'.repeat(600)}`;
    const refuted = await verdictOf(remediationId, 'refuted', longReason);
    const retraction = `remediation-retracted:${remediationId}:${refuted.sessionId}`;
    expect(refuted.publications).toEqual([retraction]);
    const retractions = (await deliveries(ours)).filter((d) => d.publication === retraction);
    expect(retractions.map((d) => d.subscriberId).sort()).toEqual([first, second].sort());
    const [refutation] = await handle.db
      .select({ finishedAt: remediationVerifications.finishedAt })
      .from(remediationVerifications)
      .where(eq(remediationVerifications.id, refuted.sessionId));
    expect(retractions[0]!.payload).toEqual({
      type: 'remediation.retracted',
      remediation: {
        id: remediationId,
        reportId,
        url: `${WEB}/reports/${reportId}`,
        tags: [tag, 'unavailable'],
        scenarioId: SCENARIO,
        systemId: 'demo-app',
        verificationId: refuted.sessionId,
        refutedAt: refutation!.finishedAt!.toISOString(),
        reason: `${longReason.slice(0, 299)}…`,
      },
    });
    expect(JSON.stringify(retractions[0]!.payload)).not.toContain(SECRET);
    // Not listed as verified any more.
    expect((await selectVerifiedRemediations(handle.db, library, { webOrigin: WEB })).map((r) => r.id)).not.toContain(remediationId);

    // The same verdict recorded again (a retried activity): the same publication to dispatch, nothing written twice.
    expect(await refuted.again()).toEqual([retraction]);
    // Refuted again: everyone told has been told it is retracted.
    const before = (await deliveries(ours)).length;
    expect((await verdictOf(remediationId, 'refuted')).publications).toEqual([]);
    expect(await deliveries(ours)).toHaveLength(before);

    // Verified again, the same content: a new publication after the retraction, to every matching subscriber.
    const again = await verdictOf(remediationId, 'verified');
    expect(again.publications).toEqual([`${verified.publications[0]}:${refuted.sessionId}`]);
    expect(
      (await deliveries(ours))
        .filter((d) => d.publication === again.publications[0])
        .map((d) => d.subscriberId)
        .sort(),
    ).toEqual([...ours].sort());
    expect((await selectVerifiedRemediations(handle.db, library, { webOrigin: WEB })).map((r) => r.id)).toContain(remediationId);
    // The report published again tells nobody anything new about it.
    expect(
      await handle.db.transaction((tx) => enqueueVerifiedRemediations(tx, library, WEB, [eq(remediations.reportId, reportId)])),
    ).toEqual([]);

    // Refuted once more: retracted to all three, each once.
    const refutedAgain = await verdictOf(remediationId, 'refuted');
    expect(refutedAgain.publications).toEqual([`remediation-retracted:${remediationId}:${refutedAgain.sessionId}`]);
    const all = await deliveries(ours);
    expect(
      all
        .filter((d) => d.publication.startsWith(`remediation-retracted:${remediationId}:`))
        .map((d) => d.subscriberId)
        .sort(),
    ).toEqual([first, first, second, second, late].sort());
    expect(all.map((d) => (d.payload as { type: string }).type)).toEqual([
      'remediation.verified',
      'remediation.verified',
      'remediation.retracted',
      'remediation.retracted',
      'remediation.verified',
      'remediation.verified',
      'remediation.verified',
      'remediation.retracted',
      'remediation.retracted',
      'remediation.retracted',
    ]);
  });

  it('retracts to those told even when the report is no longer published; a stale verdict retracts nothing', async () => {
    const told = await subscriber([tag]);
    const { reportId, remediationId } = await publishedReportWithRemediation();
    const verified = await verdictOf(remediationId, 'verified');
    expect(verified.publications).toHaveLength(1);
    await handle.db.update(reports).set({ status: 'rejected' }).where(eq(reports.id, reportId));

    // A verdict overtaken by a later verification changes nothing and publishes nothing.
    await handle.db.update(remediations).set({ status: 'verifying' }).where(eq(remediations.id, remediationId));
    const staleId = randomUUID();
    await handle.db.insert(remediationVerifications).values({
      id: staleId,
      remediationId,
      workflowId: 'w',
      trigger: 'requested',
      scenarioId: SCENARIO,
      systemId: 'demo-app',
      commands: [],
      scenarioDigest: '',
      systemDigest: '',
      commandsDigest: '',
      digest: '',
      startedAt: new Date(Date.now() - 60_000),
    });
    const refuted = await verdictOf(remediationId, 'refuted');
    expect(
      await activities().recordVerification({
        remediationId,
        verdict: { status: 'refuted', reason: 'late', sessionId: staleId, commands: [] },
      }),
    ).toEqual([]);
    expect(refuted.publications).toEqual([`remediation-retracted:${remediationId}:${refuted.sessionId}`]);
    const rows = await handle.db
      .select({ publication: webhookDeliveries.publication })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subscriberId, told))
      .orderBy(webhookDeliveries.createdAt);
    expect(rows.map((r) => r.publication)).toEqual([verified.publications[0], refuted.publications[0]]);
  });
});
