// Registers the sweeper's Temporal Schedule once; a second worker finds it already there.
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';

export const SWEEPER_SCHEDULE_ID = 'sandbox-sweeper';

export async function ensureSweeperSchedule(client: Client, taskQueue: string, every = '5m'): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: SWEEPER_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: 'sandboxSweeper', taskQueue, workflowId: 'sandbox-sweeper' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
