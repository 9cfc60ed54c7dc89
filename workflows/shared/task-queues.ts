/**
 * Workers scale per task queue. Search indexing has a queue of its own so that an
 * Elasticsearch outage backs up indexing work without slowing stock or orders.
 */
export const taskQueues = {
  orders: 'orders',
  inventory: 'inventory',
  search: 'search',
} as const;

export type TaskQueue = (typeof taskQueues)[keyof typeof taskQueues];
