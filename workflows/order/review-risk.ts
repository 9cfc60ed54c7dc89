import type { Duration } from '@temporalio/common';
import { CancellationScope, sleep } from '@temporalio/workflow';
import type { CarryOut, Inbox } from './inbox';
import type { TrackedOrder } from './tracked-order';

/**
 * An order held for risk review waits for support to approve, reject or cancel it. The review
 * has a deadline: when it passes, the deadline joins the inbox like any request, so it can
 * never overtake a decision already accepted, and the order is cancelled.
 */
export async function reviewRisk(order: TrackedOrder, inbox: Inbox, carryOut: CarryOut, timeout: Duration): Promise<void> {
  const deadline = new CancellationScope();
  const expired = deadline
    .run(() => sleep(timeout))
    .then(
      () => inbox.post({ event: 'reviewExpired', reason: 'the risk review deadline passed' }).catch(() => undefined),
      () => undefined, // support decided first and the timer was cancelled
    );
  await inbox.serveUntil(() => order.status !== 'on_hold', carryOut);
  deadline.cancel();
  await expired;
}
