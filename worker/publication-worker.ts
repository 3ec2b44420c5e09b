// The worker for publications (webhook deliveries): its own task queue and workflow bundle, so the session
// workflows' bundle and replay histories are untouched by it.
import { resolve } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Database } from '../db/client.ts';
import { createWebhookActivities } from '../activities/webhooks/webhook-activities.ts';

export const PUBLICATION_WORKFLOWS_PATH = resolve(import.meta.dirname, '../workflows/publications/deliver-webhook.ts');

export async function createPublicationWorker(opts: {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Database;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath: PUBLICATION_WORKFLOWS_PATH,
    activities: createWebhookActivities({ db: opts.db }),
    shutdownGraceTime: '3 seconds',
  });
  return { worker, connection };
}
