import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { localActivityMarker, type LocalActivityMarker } from '../../platform/local-activity-marker';

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const ms = (t: Timestamp) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN);

/** Per checkout, from the server's own event times: where the time to confirmation went. */
export interface StepTimes {
  /** Activities scheduled before the update completed. */
  activities: number;
  /** Local activities recorded before the update completed (they run inside workflow tasks). */
  localActivities: number;
  workflowTasks: number;
  /** Sum of activity schedule-to-start: waiting in the task queue for a worker's poll. */
  activityQueueMs: number;
  /** Sum of activity start-to-close: the activity code (plus the completion's trip back). */
  activityRunMs: number;
  /** Sum of workflow task schedule-to-start. */
  workflowTaskQueueMs: number;
  /** Sum of workflow task start-to-complete: replaying/advancing the workflow on the worker. */
  workflowTaskRunMs: number;
  /** Workflow started to the submit update completed. */
  confirmMs: number;
}

export async function historyBreakdown(client: Client, workflowIds: string[]): Promise<StepTimes> {
  const totals: StepTimes = { activities: 0, localActivities: 0, workflowTasks: 0, activityQueueMs: 0, activityRunMs: 0, workflowTaskQueueMs: 0, workflowTaskRunMs: 0, confirmMs: 0 };
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const at = new Map<number, number>();
    let startedAt = Number.NaN;
    let confirmedAt = Number.NaN;
    for (const event of (history.events ?? []) as temporal.api.history.v1.IHistoryEvent[]) {
      const time = ms(event.eventTime as Timestamp);
      const eventId = Number(event.eventId);
      at.set(eventId, time);
      if (event.workflowExecutionStartedEventAttributes) startedAt = time;
      else if (event.workflowExecutionUpdateCompletedEventAttributes) {
        confirmedAt = time;
        break;
      } else if (localActivityMarker(event)) {
        totals.localActivities += 1;
      } else if (event.activityTaskStartedEventAttributes) {
        totals.activities += 1;
        totals.activityQueueMs += time - at.get(Number(event.activityTaskStartedEventAttributes.scheduledEventId))!;
      } else if (event.activityTaskCompletedEventAttributes) {
        totals.activityRunMs += time - at.get(Number(event.activityTaskCompletedEventAttributes.startedEventId))!;
      } else if (event.workflowTaskStartedEventAttributes) {
        totals.workflowTasks += 1;
        totals.workflowTaskQueueMs += time - at.get(Number(event.workflowTaskStartedEventAttributes.scheduledEventId))!;
      } else if (event.workflowTaskCompletedEventAttributes) {
        totals.workflowTaskRunMs += time - at.get(Number(event.workflowTaskCompletedEventAttributes.startedEventId))!;
      }
    }
    totals.confirmMs += confirmedAt - startedAt;
  }
  const n = workflowIds.length;
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / n])) as unknown as StepTimes;
}

/** What the runs a query matches asked of the server in total: workflow tasks, activities, local activities, timers. */
export async function taskCounts(client: Client, query: string): Promise<{ runs: number; workflowTasks: number; activities: number; localActivities: number; timers: number }> {
  const counts = { runs: 0, workflowTasks: 0, activities: 0, localActivities: 0, timers: 0 };
  for await (const run of client.workflow.list({ query })) {
    counts.runs += 1;
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.workflowTaskStartedEventAttributes) counts.workflowTasks += 1;
      else if (event.activityTaskStartedEventAttributes) counts.activities += 1;
      else if (localActivityMarker(event)) counts.localActivities += 1;
      else if (event.timerStartedEventAttributes) counts.timers += 1;
    }
  }
  return counts;
}

/**
 * The steps a run took, in order: activity types (local ones marked), the update's completion,
 * patch markers, timers and child workflows started. Local activities run side by side record their results as they come
 * back, so each run of consecutive local results is put in the order they were scheduled.
 */
export async function stepSequence(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const steps: string[] = [];
  let locals: LocalActivityMarker[] = [];
  const flushLocals = () => {
    steps.push(...locals.sort((a, b) => a.seq - b.seq).map((local) => `local ${local.activityType}`));
    locals = [];
  };
  for (const event of history.events ?? []) {
    const local = localActivityMarker(event);
    if (local) {
      locals.push(local);
      continue;
    }
    const step = event.activityTaskScheduledEventAttributes
      ? (event.activityTaskScheduledEventAttributes.activityType?.name ?? '?')
      : event.workflowExecutionUpdateCompletedEventAttributes
        ? '(answered)'
        : event.markerRecordedEventAttributes
          ? `(marker ${event.markerRecordedEventAttributes.markerName})`
          : event.timerStartedEventAttributes
            ? '(timer)'
            : event.upsertWorkflowSearchAttributesEventAttributes
              ? '(search attributes)'
              : event.startChildWorkflowExecutionInitiatedEventAttributes
                ? '(child workflow)'
                : undefined;
    if (step === undefined) continue;
    flushLocals();
    steps.push(step);
  }
  flushLocals();
  return steps;
}
