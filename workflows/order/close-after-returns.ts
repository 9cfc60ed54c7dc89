import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { sleep } from '@temporalio/workflow';
import type { Inbox } from './inbox';
import type { TrackedOrder } from './tracked-order';

export const DEFAULT_RETURN_WINDOW = '30 days';

/**
 * Once everything is delivered the customer may still return it; when the window ends, closing
 * joins the inbox like any request, so it never overtakes one accepted before it. A run that
 * continued as new arms what is left of the window.
 */
export function closeAfterReturnWindow(order: TrackedOrder, inbox: Inbox, window: Duration): void {
  const deliveredAt = order.view.deliveredAt ? Date.parse(order.view.deliveredAt) : Date.now();
  const left = Math.max(1, deliveredAt + msToNumber(window) - Date.now());
  void sleep(left).then(() => inbox.post({ event: 'close', reason: 'the return window ended' }).catch(() => undefined));
}
