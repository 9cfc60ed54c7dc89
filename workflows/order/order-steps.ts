import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CartActivities } from '../../activities/carts/cart-activities';
import type { CatalogActivities } from '../../activities/catalog/catalog-activities';
import type { InventoryActivities } from '../../activities/inventory/inventory-activities';
import type { OrderActivities } from '../../activities/orders/order-activities';
import type { PaymentActivities } from '../../activities/payments/payment-activities';
import type { SearchActivities } from '../../activities/search/search-activities';
import type { ShippingActivities } from '../../activities/shipping/shipping-activities';
import { readModelRetry, stepRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

type OrderSteps = CartActivities & CatalogActivities & InventoryActivities & OrderActivities & PaymentActivities & ShippingActivities;

/**
 * Steps a caller waits on (checkout's answer, a support update's answer): short database, cache
 * and provider calls, run as local activities in this workflow's worker so each costs no task
 * queue round trip. They retry like any activity and run again if the worker dies mid-task.
 */
export const steps = proxyLocalActivities<OrderSteps>({ startToCloseTimeout: '15 seconds', retry: stepRetry });

/** Work nobody waits on goes through the orders queue, where it can be scaled and rate limited. */
export const followUps = proxyActivities<CartActivities>({ taskQueue: taskQueues.orders, startToCloseTimeout: '15 seconds', retry: stepRetry });

/** Search is a read model: it may lag, and it must never hold up or fail an order. */
export const search = proxyActivities<SearchActivities>({ taskQueue: taskQueues.search, startToCloseTimeout: '10 seconds', retry: readModelRetry });

/**
 * The audit of a decision that starts something (a refund): an activity scheduled by the task
 * that also starts it, so it is written only if that task completes. A local activity could run
 * in a task the server then drops (an update it aborts), and audit a request that was refused.
 */
export const audit = proxyActivities<OrderActivities>({ taskQueue: taskQueues.orders, startToCloseTimeout: '15 seconds', retry: stepRetry });
