import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { createCartActivities } from '../activities/carts/cart-activities';
import { createCatalogActivities } from '../activities/catalog/catalog-activities';
import { createInventoryActivities } from '../activities/inventory/inventory-activities';
import { createManualPaymentProvider } from '../activities/payments/manual-payment-provider';
import { createOrderActivities } from '../activities/orders/order-activities';
import { createPaymentActivities } from '../activities/payments/payment-activities';
import { createRateCardCarrier } from '../activities/shipping/rate-card-carrier';
import { createSearchActivities } from '../activities/search/search-activities';
import { createShippingActivities } from '../activities/shipping/shipping-activities';
import { createStripePaymentProvider } from '../activities/payments/stripe-payment-provider';
import type { Database } from '../db/database';
import type { SearchIndices } from '../platform/search-indices';
import { taskQueues } from '../workflows/shared/task-queues';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  db: Kysely<Database>;
  es: Elasticsearch;
  redis: Redis;
  stripe: Stripe;
  indices: SearchIndices;
  /** Tests pass a prebuilt bundle so each worker does not bundle the workflows again. */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** Tests replace single activities to inject faults at one step. */
  activityOverrides?: Record<string, (...args: never[]) => Promise<unknown>>;
}

/** The activities each task queue's worker runs, built from the clients they need. */
export function createActivities({ db, es, redis, stripe, indices }: Pick<WorkerDeps, 'db' | 'es' | 'redis' | 'stripe' | 'indices'>) {
  const inventory = createInventoryActivities({ db, redis });
  return {
    inventory,
    orders: {
      ...createCartActivities({ redis }),
      ...createCatalogActivities({ db }),
      ...inventory,
      ...createOrderActivities({ db }),
      ...createPaymentActivities({ db, providers: { stripe: createStripePaymentProvider({ stripe }), manual: createManualPaymentProvider() } }),
      ...createShippingActivities({ carrier: createRateCardCarrier() }),
    },
    search: createSearchActivities({ db, es, indices }),
  };
}

/** One worker per task queue so each can be scaled, rate-limited and drained on its own. */
export async function createWorkers(deps: WorkerDeps): Promise<Worker[]> {
  const { connection, namespace, workflows, activityOverrides = {} } = deps;
  const workflowCode = workflows ?? { workflowsPath: require.resolve('../workflows') };
  const activities = createActivities(deps);
  const worker = (taskQueue: string, queueActivities: object, options: Partial<WorkerOptions> = {}) =>
    Worker.create({ connection, namespace, taskQueue, ...workflowCode, activities: { ...queueActivities, ...activityOverrides }, ...options });
  return Promise.all([
    worker(taskQueues.orders, activities.orders),
    worker(taskQueues.inventory, activities.inventory),
    // Elasticsearch is the bottleneck here; a few parallel bulk writes are plenty.
    worker(taskQueues.search, activities.search, { maxConcurrentActivityTaskExecutions: 8 }),
  ]);
}
