// The worker for publications (webhook deliveries): its own task queue and workflow bundle, so the session
// workflows' bundle and replay histories are untouched by it.
// A prebuilt bundle (npm run build) spares the start webpack, which a read-only container may not run.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { TemporalConnectionOptions } from '../config/temporal-connection.ts';
import type { Database } from '../db/client.ts';
import { createWebhookActivities } from '../activities/webhooks/webhook-activities.ts';
import { chooseWorkflowBundle, PUBLICATION_WORKFLOWS_PATH, publicationBundlePath, type BundleChoice } from './workflow-bundle.ts';

export { PUBLICATION_WORKFLOWS_PATH };

export async function createPublicationWorker(opts: {
  /** Address, TLS and API key: the same Temporal as the session worker's. */
  temporal: TemporalConnectionOptions;
  namespace: string;
  taskQueue: string;
  db: Database;
  /** The sessions' prebuilt bundle; the publications' one lies next to it. Undefined: bundle the sources at start. */
  workflowBundle?: string | undefined;
}): Promise<{ worker: Worker; connection: NativeConnection; bundle: BundleChoice }> {
  const bundle = chooseWorkflowBundle(
    opts.workflowBundle === undefined ? undefined : publicationBundlePath(opts.workflowBundle),
    PUBLICATION_WORKFLOWS_PATH,
  );
  const connection = await NativeConnection.connect(opts.temporal);
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(bundle.use === 'prebuilt' ? { workflowBundle: { codePath: bundle.codePath } } : { workflowsPath: PUBLICATION_WORKFLOWS_PATH }),
    activities: createWebhookActivities({ db: opts.db }),
    shutdownGraceTime: '3 seconds',
  });
  return { worker, connection, bundle };
}
