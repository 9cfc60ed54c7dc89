import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { condition, sleep } from '@temporalio/workflow';
import { isFinal } from '../../domain/order-state';
import type { Inbox } from './inbox';
import { nothingOpen } from './open-returns';
import type { TrackedOrder } from './tracked-order';

export const DEFAULT_RETURN_WINDOW = '30 days';

/**
 * Once everything is delivered the customer may still return it; when the window ends, closing
 * joins the inbox like any request, so it never overtakes one accepted before it. An order with a
 * return or a refund still open waits for it (each has its own deadline), and a close that found
 * one opened meanwhile is put off and asked again. A run that continued as new arms what is left
 * of the window.
 */
export function closeAfterReturnWindow(order: TrackedOrder, inbox: Inbox, window: Duration): void {
  const deliveredAt = order.view.deliveredAt ? Date.parse(order.view.deliveredAt) : Date.now();
  const left = Math.max(1, deliveredAt + msToNumber(window) - Date.now());
  void sleep(left).then(async () => {
    if (!nothingOpen(order)) order.note('closing waits', 'the return window ended; a return or refund is still open');
    while (!isFinal(order.status)) {
      await condition(() => nothingOpen(order));
      try {
        await inbox.post({ event: 'close', reason: 'the return window ended' });
      } catch {
        return; // refused: the order ended some other way
      }
    }
  });
}
