// Telling subscribers: a published report becomes one delivery per subscriber whose tags it matches (all
// subscribers without tags). The deliveries are the outbox: written in the publishing transaction itself, so a
// crash after the commit loses nothing. Each is then handed to a durable Temporal workflow whose id is the delivery
// id (`webhook-<delivery id>`, a duplicate id refused), so starting it again, after a retry or at API start when
// the outbox is resumed, never delivers twice.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { subscribers, webhookDeliveries, type ReportRow } from '../../db/schema.ts';
import { reportFields } from './report-view.ts';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** What subscribers receive about a published report (the feed carries the same). */
export function reportPublication(row: ReportRow, webOrigin: string) {
  return {
    type: 'report.published' as const,
    report: { ...reportFields(row), url: `${webOrigin}/reports/${encodeURIComponent(row.id)}` },
  };
}

/** The outbox side: one pending delivery per matching subscriber, written in the caller's transaction. */
export async function enqueueReportPublished(tx: Tx, row: ReportRow, webOrigin: string): Promise<void> {
  const payload = reportPublication(row, webOrigin);
  const matching = await tx
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(sql`cardinality(${subscribers.tags}) = 0 or ${subscribers.tags} && string_to_array(${row.tags.join(',')}, ',')`);
  if (matching.length === 0) return;
  await tx
    .insert(webhookDeliveries)
    .values(matching.map((s) => ({ id: randomUUID(), subscriberId: s.id, publication: `report-published:${row.id}`, payload })))
    .onConflictDoNothing();
}

export interface Publications {
  /** Writes the deliveries of a report being published, in the publishing transaction. */
  enqueue(tx: Tx, row: ReportRow): Promise<void>;
  /** Starts the delivery workflows of the outbox's undelivered deliveries (of one publication, or all). */
  dispatch(publication?: string): Promise<number>;
}

export function createPublications({
  db,
  temporal,
  taskQueue,
  webOrigin,
}: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  webOrigin: string;
}): Publications {
  return {
    enqueue: (tx, row) => enqueueReportPublished(tx, row, webOrigin),
    async dispatch(publication) {
      const pending = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(isNull(webhookDeliveries.deliveredAt), publication ? eq(webhookDeliveries.publication, publication) : undefined))
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
    },
  };
}
