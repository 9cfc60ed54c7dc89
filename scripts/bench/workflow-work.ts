import type { Client } from '@temporalio/client';
import { localActivityMarker } from '../../platform/local-activity-marker';

/** What one workflow run asked of the Temporal server, read from its history. */
export interface Work {
  runs: number;
  events: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
  timers: number;
  signals: number;
  updates: number;
  children: number;
}

export const noWork = (): Work => ({ runs: 0, events: 0, workflowTasks: 0, activities: 0, localActivities: 0, timers: 0, signals: 0, updates: 0, children: 0 });

export function addWork(into: Work, more: Work): void {
  for (const key of Object.keys(into) as (keyof Work)[]) into[key] += more[key];
}

/** What the latest run of a workflow id asked (a bench order never lives long enough to continue as new); nothing when it does not exist. */
export async function workOf(client: Client, workflowId: string): Promise<{ type: string; work: Work } | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe().catch(() => undefined);
  if (!description) return undefined;
  const work = noWork();
  work.runs = 1;
  const history = await handle.fetchHistory();
  for (const event of history.events ?? []) {
    work.events += 1;
    if (event.workflowTaskStartedEventAttributes) work.workflowTasks += 1;
    else if (event.activityTaskStartedEventAttributes) work.activities += 1;
    else if (localActivityMarker(event)) work.localActivities += 1;
    else if (event.timerStartedEventAttributes) work.timers += 1;
    else if (event.workflowExecutionSignaledEventAttributes) work.signals += 1;
    else if (event.workflowExecutionUpdateAcceptedEventAttributes) work.updates += 1;
    else if (event.startChildWorkflowExecutionInitiatedEventAttributes) work.children += 1;
  }
  return { type: description.type, work };
}

/** Work per workflow type over a set of workflow ids. */
export async function workByType(client: Client, workflowIds: string[]): Promise<Map<string, Work>> {
  const byType = new Map<string, Work>();
  for (const id of workflowIds) {
    const found = await workOf(client, id);
    if (!found) continue;
    const total = byType.get(found.type) ?? noWork();
    addWork(total, found.work);
    byType.set(found.type, total);
  }
  return byType;
}
