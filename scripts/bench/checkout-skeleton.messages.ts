/** What the bench's skeleton checkout shares between its workflow, worker and route. */
export const checkoutSkeletonWorkflowType = 'checkoutSkeleton';

/** The production layout (workflows/task-queues.ts) under other names, so no real worker polls them. */
export const skeletonTaskQueues = {
  orders: 'bench-orders',
  inventory: 'bench-inventory',
  search: 'bench-search',
} as const;
