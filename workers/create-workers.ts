import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createCacheActivities } from '../activities/cache-activities';
import { createInventoryActivities } from '../activities/inventory-activities';
import { createSearchActivities } from '../activities/search-activities';
import type { Database } from '../db/database';
import type { SearchIndices } from '../platform/search-indices';
import { taskQueues } from '../workflows/task-queues';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  db: Kysely<Database>;
  es: Elasticsearch;
  redis: Redis;
  indices: SearchIndices;
  /** Tests pass a prebuilt bundle so each worker does not bundle the workflows again. */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
}

/** One worker per task queue so each can be scaled, rate-limited and drained on its own. */
export async function createWorkers({ connection, namespace, db, es, redis, indices, workflows }: WorkerDeps): Promise<Worker[]> {
  const workflowCode = workflows ?? { workflowsPath: require.resolve('../workflows') };
  return Promise.all([
    Worker.create({
      connection,
      namespace,
      taskQueue: taskQueues.inventory,
      ...workflowCode,
      activities: { ...createInventoryActivities({ db }), ...createCacheActivities({ redis }) },
    }),
    Worker.create({
      connection,
      namespace,
      taskQueue: taskQueues.search,
      ...workflowCode,
      activities: createSearchActivities({ db, es, indices }),
      // Elasticsearch is the bottleneck here; a few parallel bulk writes are plenty.
      maxConcurrentActivityTaskExecutions: 8,
    }),
  ]);
}
