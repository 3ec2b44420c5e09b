// Registers the sweeper's Temporal Schedule once; a second worker finds it already there and only brings its
// interval to the configured one (FL_SWEEPER_EVERY, the Helm chart's sweeper.every).
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time.js';

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
    const handle = client.schedule.getHandle(SWEEPER_SCHEDULE_ID);
    const wanted = msToNumber(every);
    const current = (await handle.describe()).spec.intervals?.[0]?.every;
    if (current === undefined || msToNumber(current) !== wanted)
      await handle.update((schedule) => ({ ...schedule, spec: { intervals: [{ every }] } }));
  }
}
