import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { catchUpSearchIndexWorkflowType, searchCatchUpScheduleId } from '../workflows/catch-up-search-index.messages';
import { taskQueues } from '../workflows/task-queues';

/** Every minute, index whatever lags; a run still going makes the next one skip. Returns false if it existed. */
export async function ensureSearchCatchUpSchedule(client: Client): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: searchCatchUpScheduleId,
      spec: { intervals: [{ every: '1 minute' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: {
        type: 'startWorkflow',
        workflowType: catchUpSearchIndexWorkflowType,
        workflowId: searchCatchUpScheduleId,
        taskQueue: taskQueues.search,
        args: [],
        staticSummary: 'Index products whose search document lags the database',
      },
    });
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return false;
    throw error;
  }
}
