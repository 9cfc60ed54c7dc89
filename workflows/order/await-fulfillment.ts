import { allHandlersFinished, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { isFinal } from '../../domain/order-state';
import type { CarryOut, Inbox } from './inbox';
import type { OrderInput, ProcessOrderWorkflow } from './order.messages';
import type { TrackedOrder } from './tracked-order';

// Well under Temporal's 10,000-event warning; a waiting order rarely gets near it.
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

/**
 * A confirmed order waits for fulfillment (shipments build on this), serving support requests
 * meanwhile, until it ends. The wait can be long and requests grow the history, so when
 * Temporal suggests it (or past a bound) the order continues as new, carrying its state, once
 * no request is mid-way.
 */
export async function awaitFulfillment(order: TrackedOrder, inbox: Inbox, carryOut: CarryOut, input: OrderInput): Promise<void> {
  const ended = () => isFinal(order.status);
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS);
  await inbox.serveUntil(() => ended() || historyFull(), carryOut);
  if (ended()) return;
  // Requests that arrive while handlers finish are served here, not carried over.
  await inbox.serveUntil(() => ended() || (inbox.isEmpty && allHandlersFinished()), carryOut);
  if (!ended()) await continueAsNew<ProcessOrderWorkflow>({ ...input, continued: order.carryOver() });
}
