// Builds a Temporal worker for session workflows with its activities wired to real dependencies.
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import type { TemporalConnectionOptions } from '../config/temporal-connection.ts';
import { activityExecutions, activityFailures } from '../lib/metrics.ts';
import { createActivities, type ActivityDeps } from '../activities/session-activities.ts';
import { createVerificationActivities } from '../activities/verification/verification-activities.ts';
import { createClusterDriver } from '../cluster/drivers.ts';
import { chooseWorkflowBundle, WORKFLOWS_PATH, type BundleChoice } from './workflow-bundle.ts';

export { WORKFLOWS_PATH };

export interface WorkerOptions {
  /** Address, TLS and API key (config/temporal-connection.ts). */
  temporal: TemporalConnectionOptions;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The prebuilt workflow bundle to use when it is fresh; undefined: always bundle the sources at start. */
  workflowBundle?: string | undefined;
}

/** Counts every activity attempt and every failed one (failurelib_activity_*), by activity type. */
const countActivities: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const activity = context.info.activityType;
      activityExecutions.inc({ activity });
      try {
        return await next(input);
      } catch (error) {
        const retryable = !(error instanceof ApplicationFailure && error.nonRetryable);
        activityFailures.inc({ activity, retryable: String(retryable) });
        throw error;
      }
    },
  },
});

export async function createSessionWorker({
  temporal,
  namespace,
  taskQueue,
  deps,
  workflowBundle,
}: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; bundle: BundleChoice }> {
  const bundle = chooseWorkflowBundle(workflowBundle);
  const connection = await NativeConnection.connect(temporal);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(bundle.use === 'prebuilt' ? { workflowBundle: { codePath: bundle.codePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...createActivities(deps),
      // Remediation verification drives a headless session in the same sandboxes.
      // A remediation turning verified is published to webhook subscribers (deliveries on the publications' queue).
      ...createVerificationActivities({
        db: deps.db,
        kubeFor: (deps.driver ?? createClusterDriver('sim', deps.kube)).kubeFor,
        publish: deps.publications && { library: deps.library, ...deps.publications },
      }),
    },
    interceptors: { activity: [countActivities] },
    maxConcurrentActivityTaskExecutions: 500,
    // Long watches are cancelled on shutdown and resumed by a retry; teardown is idempotent.
    shutdownGraceTime: '3 seconds',
  });
  return { worker, connection, bundle };
}
