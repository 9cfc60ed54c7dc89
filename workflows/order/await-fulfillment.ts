import { allHandlersFinished, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { isFinal } from '../../domain/order-state';
import type { CarryOut, Inbox } from './inbox';
import type { OrderInput, ProcessOrderWorkflow } from './order.messages';
import { closeAfterReturnWindow, DEFAULT_RETURN_WINDOW } from './close-after-returns';
import { captureBeforeExpiry } from './capture-before-expiry';
import { capturesInFlight } from './captures';
import type { TrackedOrder } from './tracked-order';

/** Delivered and not ended: a run that continued as new while refunded (in part) still closes when its window ends. */
const awaitsClose = (order: TrackedOrder): boolean => order.view.deliveredAt !== undefined && !isFinal(order.status);

// Well under Temporal's 10,000-event warning; a waiting order rarely gets near it.
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

/**
 * A confirmed order ships: the reports of its parcels' workflows (started when it was
 * confirmed: handed over, delivered, late, failed) arrive through the inbox with the support requests, until the order
 * ends (closed after its return window, or cancelled before anything left). A day before the
 * payment's hold lapses, whatever is still owed is captured (capture-before-expiry.ts). The
 * wait can be long and requests grow the history, so when Temporal suggests it (or past a
 * bound) the order continues as new, carrying its state, once no request is mid-way.
 */
export async function awaitFulfillment(order: TrackedOrder, inbox: Inbox, carryOut: CarryOut, input: OrderInput): Promise<void> {
  if (order.status === 'delivered' || (awaitsClose(order) && patched('close-refunded-order-when-continued'))) {
    closeAfterReturnWindow(order, inbox, input.returnWindow ?? DEFAULT_RETURN_WINDOW);
  }
  captureBeforeExpiry(order, inbox);
  const ended = () => isFinal(order.status);
  // A capture's outcome comes back to this run only: it does not continue as new while one runs.
  const historyFull = () =>
    (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS)) &&
    capturesInFlight(order) === 0;
  await inbox.serveUntil(() => ended() || historyFull(), carryOut);
  if (ended()) return;
  // Requests that arrive while handlers finish are served here, not carried over.
  await inbox.serveUntil(() => ended() || (inbox.isEmpty && allHandlersFinished()), carryOut);
  if (!ended()) await continueAsNew<ProcessOrderWorkflow>({ ...input, continued: order.carryOver() });
}
