import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import { catchUpSearchIndexWorkflowType, searchCatchUpScheduleId } from '../workflows/catch-up-search-index.messages';
import { taskQueues } from '../workflows/task-queues';

// Changes signal their own sync, so this only covers lost signals: rare enough for ten minutes.
const spec: ScheduleOptions['spec'] = { intervals: [{ every: '10 minutes' }] };
const policies: ScheduleOptions['policies'] = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' };

/** Creates the catch-up schedule, or brings an existing one to this spec. Returns whether it was created. */
export async function ensureSearchCatchUpSchedule(client: Client): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: searchCatchUpScheduleId,
      spec,
      policies,
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
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(searchCatchUpScheduleId).update((previous) => ({ ...previous, spec, policies: { ...previous.policies, ...policies } }));
    return false;
  }
}
