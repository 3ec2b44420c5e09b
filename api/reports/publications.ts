// Telling subscribers: a published report becomes one delivery per subscriber whose tags it matches (all
// subscribers without tags), written to the delivery log first, then handed to a durable Temporal workflow.
// The workflow id is the delivery id, so publishing twice never delivers twice.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { reports, subscribers, webhookDeliveries, type ReportRow } from '../../db/schema.ts';
import { reportFields } from './report-view.ts';

/** What subscribers receive about a published report (the feed carries the same). */
export function reportPublication(row: ReportRow, webOrigin: string) {
  return {
    type: 'report.published' as const,
    report: { ...reportFields(row), url: `${webOrigin}/reports/${encodeURIComponent(row.id)}` },
  };
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
}) {
  return {
    async reportPublished(reportId: string): Promise<void> {
      const [row] = await db.select().from(reports).where(eq(reports.id, reportId));
      if (!row || row.status !== 'published') return;
      const publication = `report-published:${row.id}`;
      const payload = reportPublication(row, webOrigin);
      const matching = await db
        .select({ id: subscribers.id })
        .from(subscribers)
        .where(sql`cardinality(${subscribers.tags}) = 0 or ${subscribers.tags} && string_to_array(${row.tags.join(',')}, ',')`);
      for (const subscriber of matching) {
        await db
          .insert(webhookDeliveries)
          .values({ id: randomUUID(), subscriberId: subscriber.id, publication, payload })
          .onConflictDoNothing();
        const [delivery] = await db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.subscriberId, subscriber.id), eq(webhookDeliveries.publication, publication)));
        try {
          await temporal.workflow.start('deliverWebhook', { taskQueue, workflowId: `webhook-${delivery!.id}`, args: [delivery!.id] });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
    },
  };
}
