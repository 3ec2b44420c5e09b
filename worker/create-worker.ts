// Builds a Temporal worker for session workflows with its activities wired to real dependencies.
import { resolve } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/session-activities.ts';

export const WORKFLOWS_PATH = resolve(import.meta.dirname, '../workflows/index.ts');

export interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
}

export async function createSessionWorker({ temporalAddress, namespace, taskQueue, deps }: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(deps),
    maxConcurrentActivityTaskExecutions: 500,
    // Long watches are cancelled on shutdown and resumed by a retry; teardown is idempotent.
    shutdownGraceTime: '3 seconds',
  });
  return { worker, connection };
}
