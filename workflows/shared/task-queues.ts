/**
 * Workers scale per task queue. Search indexing has a queue of its own so that an
 * Elasticsearch outage backs up indexing work without slowing stock or orders; payments and
 * shipping have theirs so provider calls can be rate limited and scaled apart from the rest;
 * notifications has its own so a slow or absent SMTP server holds up nothing but emails.
 */
export const taskQueues = {
  orders: 'orders',
  payments: 'payments',
  shipping: 'shipping',
  inventory: 'inventory',
  search: 'search',
  notifications: 'notifications',
} as const;

export type TaskQueue = (typeof taskQueues)[keyof typeof taskQueues];
