import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { InventoryActivities } from '../../activities/inventory/inventory-activities';
import type { ShippingActivities } from '../../activities/shipping/shipping-activities';
import { carrierRetry, untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

/**
 * Steps the warehouse waits on (a pack is answered with its label, a handover once the parcel is
 * on its way): the carrier calls that buy the label and hand it over, and the stock leaving. They
 * run as local activities in the parcel's own worker, as checkout's steps do, so a pack costs the
 * parcel one workflow task rather than one per step. They retry like any activity and run again
 * if the worker dies mid-task; each is idempotent (one label per carrier reference, one stock
 * movement per parcel).
 */
export const carrierSteps = proxyLocalActivities<ShippingActivities>({ startToCloseTimeout: '30 seconds', retry: carrierRetry });

/** The stock leaving at handover: the parcel is already with the carrier, so this must happen. */
export const stockSteps = proxyLocalActivities<InventoryActivities>({ startToCloseTimeout: '30 seconds', retry: untilDoneRetry });

/**
 * The patch behind which the parcel spares the server round trips (one patch: each patch a run
 * meets costs it a `TemporalChangeVersion` upsert): the stored carrier events read in the task
 * that starts tracking, and the label's search attributes upserted with its stage.
 */
export const FEWER_ROUND_TRIPS = 'fewer-parcel-round-trips';

/**
 * The carrier events stored before the parcel listened: one database read, run in the task that
 * starts tracking rather than as a task queue round trip that costs the parcel a workflow task of
 * its own (an activity on the shipping queue before FEWER_ROUND_TRIPS).
 */
export const parcelRecords = proxyLocalActivities<ShippingActivities>({ startToCloseTimeout: '30 seconds', retry: carrierRetry });

/** What nobody waits on (polls, voids, the row's own changes) goes through the shipping queue. */
export const shipping = proxyActivities<ShippingActivities>({ taskQueue: taskQueues.shipping, startToCloseTimeout: '30 seconds', retry: carrierRetry });
