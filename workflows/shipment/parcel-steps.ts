import { proxyActivities } from '@temporalio/workflow';
import type { InventoryActivities } from '../../activities/inventory/inventory-activities';
import type { ShippingActivities } from '../../activities/shipping/shipping-activities';
import { carrierRetry, untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

/** The parcel's carrier calls and its own rows, on the shipping queue. */
export const shipping = proxyActivities<ShippingActivities>({ taskQueue: taskQueues.shipping, startToCloseTimeout: '30 seconds', retry: carrierRetry });

/** The stock leaving at handover, where stock writes live: the parcel is already with the carrier, so this must happen. */
export const inventory = proxyActivities<InventoryActivities>({ taskQueue: taskQueues.inventory, startToCloseTimeout: '30 seconds', retry: untilDoneRetry });
