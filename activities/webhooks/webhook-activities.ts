// Sending one webhook delivery: the stored payload, signed with the subscriber's secret (HMAC-SHA256 of the exact
// body bytes, `X-Failurelib-Signature: sha256=<hex>`), every attempt written to the delivery log. A delivery that
// was accepted is never sent again, so a retried activity cannot deliver twice.
import { createHmac } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { subscribers, webhookDeliveries } from '../../db/schema.ts';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhookActivities({ db, timeoutMs = 10_000 }: { db: Database; timeoutMs?: number }) {
  return {
    async sendWebhook(deliveryId: string): Promise<{ attempts: number }> {
      const [row] = await db
        .select({ delivery: webhookDeliveries, subscriber: subscribers })
        .from(webhookDeliveries)
        .innerJoin(subscribers, eq(subscribers.id, webhookDeliveries.subscriberId))
        .where(eq(webhookDeliveries.id, deliveryId));
      if (!row) throw ApplicationFailure.nonRetryable(`no webhook delivery ${deliveryId}`, 'DeliveryMissing');
      if (row.delivery.deliveredAt) return { attempts: row.delivery.attempts };
      const [{ attempts }] = (await db
        .update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1` })
        .where(eq(webhookDeliveries.id, deliveryId))
        .returning({ attempts: webhookDeliveries.attempts })) as [{ attempts: number }];
      // <, > and & as JSON escapes: the same data, and markup a reporter typed cannot reach a receiver's page raw.
      const body = JSON.stringify(row.delivery.payload).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      let status: number | undefined;
      try {
        const response = await fetch(row.subscriber.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'failurelib-webhooks/1',
            'x-failurelib-delivery': deliveryId,
            'x-failurelib-signature': signBody(row.subscriber.secret, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), Context.current().cancellationSignal]),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await db.update(webhookDeliveries).set({ lastStatus: null, lastError: message }).where(eq(webhookDeliveries.id, deliveryId));
        throw new Error(`webhook ${row.subscriber.url} unreachable: ${message}`);
      }
      if (status >= 200 && status < 300) {
        await db
          .update(webhookDeliveries)
          .set({ lastStatus: status, lastError: null, deliveredAt: new Date() })
          .where(eq(webhookDeliveries.id, deliveryId));
        return { attempts };
      }
      await db
        .update(webhookDeliveries)
        .set({ lastStatus: status, lastError: `HTTP ${status}` })
        .where(eq(webhookDeliveries.id, deliveryId));
      if (status === 410) throw ApplicationFailure.nonRetryable(`subscriber ${row.subscriber.id} answered 410 Gone`, 'SubscriberGone');
      throw new Error(`webhook ${row.subscriber.url} answered HTTP ${status}`);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
