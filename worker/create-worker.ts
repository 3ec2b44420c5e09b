// Builds a Temporal worker for session workflows with its activities wired to real dependencies.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/session-activities.ts';
import { createVerificationActivities } from '../activities/verification/verification-activities.ts';
import { createClusterDriver } from '../cluster/drivers.ts';
import { chooseWorkflowBundle, WORKFLOWS_PATH, type BundleChoice } from './workflow-bundle.ts';

export { WORKFLOWS_PATH };

export interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The prebuilt workflow bundle to use when it is fresh; undefined: always bundle the sources at start. */
  workflowBundle?: string | undefined;
}

export async function createSessionWorker({
  temporalAddress,
  namespace,
  taskQueue,
  deps,
  workflowBundle,
}: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; bundle: BundleChoice }> {
  const bundle = chooseWorkflowBundle(workflowBundle);
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(bundle.use === 'prebuilt' ? { workflowBundle: { codePath: bundle.codePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...createActivities(deps),
      // Remediation verification drives a headless session in the same sandboxes.
      ...createVerificationActivities({ db: deps.db, kubeFor: (deps.driver ?? createClusterDriver('sim', deps.kube)).kubeFor }),
    },
    maxConcurrentActivityTaskExecutions: 500,
    // Long watches are cancelled on shutdown and resumed by a retry; teardown is idempotent.
    shutdownGraceTime: '3 seconds',
  });
  return { worker, connection, bundle };
}
