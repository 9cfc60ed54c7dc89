import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { taskQueues, type TaskQueue } from '../workflows/shared/task-queues';
import { activityMetrics } from './activity-metrics';
import { overrideActivities, type Activities } from './compose-activities';
import { createActivities, type ActivityClients } from './create-activities';

export interface WorkerDeps extends ActivityClients {
  connection: NativeConnection;
  namespace: string;
  /** Tests pass a prebuilt bundle so each worker does not bundle the workflows again. */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** Tests replace single activities to inject faults at one step; each must name an activity some worker runs. */
  activityOverrides?: Activities;
}

/**
 * Stripe documents a limit of 25 requests per second per API endpoint (POST /v1/payment_intents,
 * .../capture and /v1/refunds count separately) and 100 per second per account in live mode, 25
 * in a sandbox: https://docs.stripe.com/rate-limits. A payment activity makes one provider write,
 * rarely two (a late authorization released), so 20 activities a second keeps every endpoint and a
 * sandbox account below 25 and leaves the live account most of its budget for the rest (checkout's
 * local authorizations, support tools). The Temporal server enforces it across every worker of the
 * queue, so it holds however far the payment workers are scaled out.
 */
export const PAYMENT_ACTIVITIES_PER_SECOND = 20;

/** How each queue's worker runs: which run workflows, and what limits their activities. */
const queueOptions: Record<TaskQueue, { workflows: boolean } & Partial<WorkerOptions>> = {
  orders: { workflows: true },
  // Activity-only queues: the workflows that call them run on orders (or as its children).
  payments: { workflows: false, maxTaskQueueActivitiesPerSecond: PAYMENT_ACTIVITIES_PER_SECOND },
  shipping: { workflows: false },
  inventory: { workflows: true },
  // Elasticsearch is the bottleneck here; a few parallel bulk writes are plenty.
  search: { workflows: true, maxConcurrentActivityTaskExecutions: 8 },
  // The email sender's schedule runs here; its activity sends a few emails at a time.
  notifications: { workflows: true, maxConcurrentActivityTaskExecutions: 4 },
};

/** One worker per task queue so each can be scaled, rate-limited and drained on its own. */
export async function createWorkers(deps: WorkerDeps): Promise<Worker[]> {
  const { connection, namespace, workflows, activityOverrides = {} } = deps;
  const workflowCode = workflows ?? { workflowsPath: require.resolve('../workflows') };
  const activities = overrideActivities(createActivities(deps), activityOverrides);
  return Promise.all(
    Object.values(taskQueues).map((taskQueue) => {
      const { workflows: runsWorkflows, ...options } = queueOptions[taskQueue];
      return Worker.create({
        connection,
        namespace,
        taskQueue,
        ...(runsWorkflows && workflowCode),
        activities: activities[taskQueue],
        interceptors: { activity: [activityMetrics] },
        ...options,
      });
    }),
  );
}
