import { allHandlersFinished, CancellationScope, condition, log, TemporalFailure } from '@temporalio/workflow';
import { isFinal } from '../../domain/order-state';
import { Saga } from '../shared/saga';
import { awaitFulfillment } from './await-fulfillment';
import { indexRejectedOrder } from './best-effort';
import { carryOut } from './carry-out';
import { closeAfterReturnWindow, DEFAULT_RETURN_WINDOW } from './close-after-returns';
import { Inbox } from './inbox';
import type { CheckoutResult, OrderInput } from './order.messages';
import { registerOrderHandlers } from './order-handlers';
import { placeOrder } from './place-order';
import { reviewRisk } from './review-risk';
import { TrackedOrder } from './tracked-order';

const DEFAULT_REVIEW_TIMEOUT = '24 hours';

/**
 * order-<orderId>: the order's whole life. Checkout answers the submit update as soon as the
 * order is confirmed, held for review or rejected; then the order waits for its review and its
 * fulfillment, serving support requests from its inbox, until it ends.
 */
export async function processOrder(input: OrderInput): Promise<CheckoutResult> {
  const order = new TrackedOrder(input);
  const saga = new Saga();
  const inbox = new Inbox(order);
  const serve = carryOut(order, saga, () => closeAfterReturnWindow(order, inbox, input.returnWindow ?? DEFAULT_RETURN_WINDOW));
  registerOrderHandlers(order, inbox, input);

  try {
    if (input.continued) {
      order.note('continued as new');
    } else {
      await placeOrder(order, saga, input);
      if (order.status === 'on_hold') await reviewRisk(order, inbox, serve, input.reviewTimeout ?? DEFAULT_REVIEW_TIMEOUT);
    }
    if (!isFinal(order.status) && order.status !== 'pending' && order.status !== 'on_hold') await awaitFulfillment(order, inbox, serve, input);
  } catch (error) {
    await endAfterFailure(order, saga, error);
  }

  inbox.refuseRemaining();
  await condition(allHandlersFinished);
  return order.result!;
}

/**
 * A step failed for good (past its retries): undo what checkout took and say nothing was
 * charged. An error in this code is a bug to fix, not to compensate: it fails the task, and the
 * run waits for a fixed worker.
 */
async function endAfterFailure(order: TrackedOrder, saga: Saga, error: unknown): Promise<void> {
  if (!(error instanceof TemporalFailure)) throw error;
  log.error('order failed; compensating', { orderId: order.id, error: String(error) });
  await saga.compensate((step) => order.note(`compensated: ${step}`));
  const recorded = order.status === 'pending';
  await CancellationScope.nonCancellable(async () => {
    if (recorded) await order.move('reject', { reason: 'checkout failed; nothing was charged' });
  });
  order.result ??= { status: 'failed', orderId: order.id, reason: { type: 'CheckoutFailed', message: 'checkout could not complete; nothing was charged' } };
  order.note('failed', String(error));
  if (recorded) await indexRejectedOrder(order);
}
