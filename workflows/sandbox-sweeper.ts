// sandboxSweeper: started every few minutes by a Temporal Schedule; a safety net behind each session's
// own teardown (e.g. an operator terminated a workflow, or a sandbox was created by a crashed attempt).
import { proxyActivities } from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities.ts';

const { sweepSandboxes } = proxyActivities<SessionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

export async function sandboxSweeper(): Promise<{ checked: number; deleted: string[] }> {
  return sweepSandboxes();
}
