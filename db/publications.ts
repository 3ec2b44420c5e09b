// Telling webhook subscribers, below the API because two processes publish: the API (a report published) and the
// verification activities (a remediation of a published report turning verified). A publication becomes one
// delivery per subscriber whose tags it matches (all subscribers without tags). The deliveries are the outbox:
// written in the publishing transaction itself, so a crash after the commit loses nothing. Each is then handed to a
// durable Temporal workflow (`deliverWebhook`) whose id is the delivery id (`webhook-<delivery id>`, a duplicate id
// refused), so starting it again, after a retry or at API start when the outbox is resumed, never delivers twice.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Library } from '../scenarios/lib/load.ts';
import type { Database } from './client.ts';
import { remediations, subscribers, webhookDeliveries } from './schema.ts';
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
 * (edited commands, changed oracle predicates or system) is a new publication.
 */
export async function enqueueVerifiedRemediations(tx: Tx, library: Library, webOrigin: string, where: SQL[]): Promise<string[]> {
  const keys: string[] = [];
  for (const remediation of await selectVerifiedRemediations(tx, library, { where, webOrigin })) {
    const { summary, commands, detection } = remediation;
    const digest = createHash('sha256').update(JSON.stringify({ summary, commands, detection })).digest('hex').slice(0, 16);
    const payload = { type: 'remediation.verified' as const, remediation };
    keys.push(...(await enqueuePublication(tx, `remediation-verified:${remediation.id}:${digest}`, remediation.tags, payload)));
  }
  return keys;
}

/** The publications of one remediation turning verified (nothing unless its report is published). */
export const enqueueRemediationVerified = (tx: Tx, library: Library, webOrigin: string, remediationId: string) =>
  enqueueVerifiedRemediations(tx, library, webOrigin, [eq(remediations.id, remediationId)]);

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
