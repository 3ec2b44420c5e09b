// One publication to one webhook subscriber, delivered durably: the activity is retried with backoff until the
// receiver accepts it (2xx), across worker and server restarts. Its own bundle (worker/publication-worker.ts),
// apart from the session workflows. Imports only @temporalio/workflow and activity types.
import { proxyActivities } from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhooks/webhook-activities.ts';

const { sendWebhook } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    // About two days of tries at the longest interval; a receiver that says the subscription is gone stops it.
    maximumAttempts: 300,
    nonRetryableErrorTypes: ['SubscriberGone', 'DeliveryMissing'],
  },
});

export async function deliverWebhook(deliveryId: string): Promise<{ attempts: number }> {
  return sendWebhook(deliveryId);
}
