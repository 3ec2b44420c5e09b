// Telling webhook subscribers, below the API because two processes publish: the API (a report published) and the
// verification activities (a remediation of a published report turning verified, or refuted after subscribers were
// told it was verified: its retraction). A publication becomes one delivery per subscriber whose tags it matches (all
// subscribers without tags; a retraction goes to those told it was verified). The deliveries are the outbox:
// written in the publishing transaction itself, so a crash after the commit loses nothing. Each is then handed to a
// durable Temporal workflow (`deliverWebhook`) whose id is the delivery id (`webhook-<delivery id>`, a duplicate id
// refused), so starting it again, after a retry or at API start when the outbox is resumed, never delivers twice.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Library } from '../scenarios/lib/load.ts';
import type { Database } from './client.ts';
import { remediations, remediationVerifications, reports, subscribers, webhookDeliveries } from './schema.ts';
import { selectVerifiedRemediations } from './verified-remediations.ts';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * One pending delivery of `publication` (its key: one delivery per subscriber and key) per subscriber matching the
 * tags, written in the caller's transaction. Returns the key when a delivery was written (none matched, or all were
 * written before: nothing).
 */
export async function enqueuePublication(tx: Tx, publication: string, tags: string[], payload: unknown): Promise<string[]> {
  const matching = await tx
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(sql`cardinality(${subscribers.tags}) = 0 or ${subscribers.tags} && string_to_array(${tags.join(',')}, ',')`);
  if (matching.length === 0) return [];
  const written = await tx
    .insert(webhookDeliveries)
    .values(matching.map((s) => ({ id: randomUUID(), subscriberId: s.id, publication, payload })))
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return written.length > 0 ? [publication] : [];
}

/**
 * The `remediation.verified` publications of the verified remediations of published reports matching `where` (one
 * remediation, or a report's), in the machine-readable shape of GET /api/remediations/verified.
 *
 * Key `remediation-verified:<remediation id>:<content digest>`. The digest covers what a subscriber acts on — the
 * commands, the summary and the detection — and not `verifiedAt` or `evidence`, which every verification renews, nor
 * the report's own fields (its publication is `report-published:<id>`). So a re-verification that stays verified (a reviewer's request, a library change that
 * leaves the oracle as it was) sends nothing again, while one that changes what subscribers would run or match on
 * (edited commands, changed oracle predicates or system) is a new publication. Once the remediation was retracted
 * (see enqueueRemediationRetracted) the key ends with `:<id of the refuting verification>` of its latest retraction:
 * verified again after a retraction is a new publication, even with the same content.
 */
export async function enqueueVerifiedRemediations(tx: Tx, library: Library, webOrigin: string, where: SQL[]): Promise<string[]> {
  const keys: string[] = [];
  for (const remediation of await selectVerifiedRemediations(tx, library, { where, webOrigin })) {
    // Still verified under a share lock: a refuted verdict being recorded (its retraction written under the row's
    // update lock) either commits first and this skips the remediation, or waits and then retracts this one too.
    const [still] = await tx
      .select({ id: remediations.id })
      .from(remediations)
      .where(and(eq(remediations.id, remediation.id), eq(remediations.status, 'verified')))
      .for('share');
    if (!still) continue;
    const { summary, commands, detection } = remediation;
    const digest = createHash('sha256').update(JSON.stringify({ summary, commands, detection })).digest('hex').slice(0, 16);
    const generation = await latestRetraction(tx, remediation.id);
    const key = `${verifiedPrefix(remediation.id)}${digest}${generation ? `:${generation}` : ''}`;
    const payload = { type: 'remediation.verified' as const, remediation };
    keys.push(...(await enqueuePublication(tx, key, remediation.tags, payload)));
  }
  return keys;
}

/** The publications of one remediation turning verified (nothing unless its report is published). */
export const enqueueRemediationVerified = (tx: Tx, library: Library, webOrigin: string, remediationId: string) =>
  enqueueVerifiedRemediations(tx, library, webOrigin, [eq(remediations.id, remediationId)]);

const verifiedPrefix = (remediationId: string) => `remediation-verified:${remediationId}:`;
const retractedKey = (remediationId: string, verificationId: string) => `remediation-retracted:${remediationId}:${verificationId}`;

/** The refuting verification of the remediation's latest retraction in the outbox (none: never retracted). */
async function latestRetraction(tx: Tx, remediationId: string): Promise<string | undefined> {
  const [latest] = await tx
    .select({ id: remediationVerifications.id })
    .from(remediationVerifications)
    .where(
      and(
        eq(remediationVerifications.remediationId, remediationId),
        sql`exists (select 1 from ${webhookDeliveries} where ${webhookDeliveries.publication} = 'remediation-retracted:' || ${remediationId}::text || ':' || ${remediationVerifications.id})`,
      ),
    )
    .orderBy(desc(remediationVerifications.startedAt))
    .limit(1);
  return latest?.id;
}

/** A retraction's reason is the refuted verdict's, cut to this many characters. */
const REASON_LIMIT = 300;

/**
 * The `remediation.retracted` publication of a remediation refuted by `verificationId` (its verdict recorded in the
 * caller's transaction, under the remediation's row lock), to every subscriber whose latest publication about it was
 * `remediation.verified`: those holding a `remediation-verified:<id>:…` delivery written since its latest retraction
 * (or ever, if none). Key `remediation-retracted:<remediation id>:<verification id>`, one delivery per subscriber. A
 * second refuted verdict in a row finds no such subscriber and publishes nothing; the same verdict recorded again (a
 * retried activity) returns the key it wrote, to dispatch. Subscribers never told it was verified hear nothing.
 */
export async function enqueueRemediationRetracted(
  tx: Tx,
  webOrigin: string,
  remediationId: string,
  verificationId: string,
): Promise<string[]> {
  const key = retractedKey(remediationId, verificationId);
  const generation = await latestRetraction(tx, remediationId);
  if (generation === verificationId) return [key];
  const [refutation] = await tx
    .select({ verification: remediationVerifications, reportId: remediations.reportId, tags: reports.tags })
    .from(remediationVerifications)
    .innerJoin(remediations, eq(remediations.id, remediationVerifications.remediationId))
    .innerJoin(reports, eq(reports.id, remediations.reportId))
    .where(and(eq(remediationVerifications.id, verificationId), eq(remediationVerifications.remediationId, remediationId)));
  if (!refutation || refutation.verification.status !== 'refuted') return [];
  // The subscribers told it was verified since its latest retraction: `<prefix><16-digit digest>[:<generation>]`.
  const told = await tx
    .selectDistinct({ subscriberId: webhookDeliveries.subscriberId, publication: webhookDeliveries.publication })
    .from(webhookDeliveries)
    .where(sql`starts_with(${webhookDeliveries.publication}, ${verifiedPrefix(remediationId)})`);
  const subscriberIds = [
    ...new Set(
      told
        .filter(({ publication }) => publication.slice(verifiedPrefix(remediationId).length).split(':')[1] === generation)
        .map(({ subscriberId }) => subscriberId),
    ),
  ];
  if (subscriberIds.length === 0) return [];
  const { verification, reportId, tags } = refutation;
  const reason = verification.reason ?? '';
  const payload = {
    type: 'remediation.retracted' as const,
    remediation: {
      id: remediationId,
      reportId,
      url: `${webOrigin}/reports/${encodeURIComponent(reportId)}`,
      tags,
      scenarioId: verification.scenarioId,
      systemId: verification.systemId,
      verificationId,
      refutedAt: (verification.finishedAt ?? new Date()).toISOString(),
      reason: reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT - 1)}…` : reason,
    },
  };
  const written = await tx
    .insert(webhookDeliveries)
    .values(subscriberIds.map((subscriberId) => ({ id: randomUUID(), subscriberId, publication: key, payload })))
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return written.length > 0 ? [key] : [];
}

/**
 * Starts the delivery workflows of the outbox's undelivered deliveries (of the given publications, or all) on the
 * publications' task queue; returns how many it started.
 */
export async function dispatchDeliveries(
  db: Pick<Database, 'select'>,
  temporal: Client,
  taskQueue: string,
  publications?: string[],
): Promise<number> {
  if (publications?.length === 0) return 0;
  const pending = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(isNull(webhookDeliveries.deliveredAt), publications ? inArray(webhookDeliveries.publication, publications) : undefined))
    .orderBy(asc(webhookDeliveries.createdAt));
  let started = 0;
  for (const delivery of pending) {
    try {
      await temporal.workflow.start('deliverWebhook', {
        taskQueue,
        workflowId: `webhook-${delivery.id}`,
        // A delivery that gave up (410 Gone, attempts exhausted) is not restarted by resuming the outbox.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [delivery.id],
      });
      started += 1;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return started;
}
