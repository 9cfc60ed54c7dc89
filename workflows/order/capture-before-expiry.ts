import { log, sleep } from '@temporalio/workflow';
import { capturedOrUnderWay, decideBeforeExpiry, type ExpiryDecision } from '../../domain/authorization-expiry';
import { isFinal } from '../../domain/order-state';
import { markAuthorizationExpired, owedByThisOrder, startCapture } from './captures';
import type { Inbox } from './inbox';
import type { TrackedOrder } from './tracked-order';

/**
 * No authorization expires silently (domain/authorization-expiry.ts has the policy). A day
 * before the hold lapses (the provider's capture_before, else 7 days from authorizing), while
 * money is still owed (parcels not yet handed over), the order captures the rest as its final
 * capture: capture-<orderId>-<n> like a handover's, and parcels handed over later capture
 * nothing. Too late, and the order says what it could not collect and flags itself for ops.
 *
 * The deadline lives on the order's view, so a run that continued as new arms it again; like
 * the return window it joins the inbox when it passes, so it is carried out between requests
 * and reports, never beside a handover's capture.
 */
export function captureBeforeExpiry(order: TrackedOrder, inbox: Inbox): void {
  const decision = decide(order);
  if (!decision || decision.action === 'nothing-owed') return;
  const left = decision.action === 'wait' ? decision.until.getTime() - Date.now() : 0;
  order.note('authorization deadline armed', `the rest is captured at ${new Date(Date.now() + Math.max(left, 0)).toISOString()}`);
  void sleep(Math.max(left, 1)).then(() => inbox.deadline('authorization-expiry'));
}

/** What the deadline does when it passes, in its turn in the inbox. */
export async function carryOutExpiryDeadline(order: TrackedOrder): Promise<void> {
  const decision = decide(order);
  switch (decision?.action) {
    case undefined:
    case 'wait':
      return;
    case 'nothing-owed':
      return order.note('authorization deadline: nothing left to capture');
    case 'capture-rest':
      order.note('capturing the rest before the authorization expires', `${decision.amount.amount} ${decision.amount.currency}, final capture`);
      log.info('capturing the rest before the authorization expires', { orderId: order.id, amount: decision.amount.amount });
      return startCapture(order, { amount: decision.amount, finalCapture: true, purpose: 'before-expiry' });
    case 'expired':
      return markAuthorizationExpired(order, 'the hold lapsed before the rest was captured');
  }
}

/** The policy's answer for the order as it stands; none when there is no live authorization to act on. */
function decide(order: TrackedOrder): ExpiryDecision | undefined {
  const { payment, totals } = order.view;
  if (isFinal(order.status) || !payment?.paymentId || !totals || payment.status === 'cancelled' || payment.authorizationExpired) return undefined;
  const expiresAt = expiryOf(order);
  if (!expiresAt) return undefined;
  return decideBeforeExpiry({ expiresAt, now: new Date(), owed: owedByThisOrder(order), captured: capturedOrUnderWay(order.view.captures ?? [], totals.currency) });
}

/** Recorded at authorization: the provider's capture_before, else the default from when it authorized. */
function expiryOf(order: TrackedOrder): Date | undefined {
  const recorded = order.view.payment?.authorizationExpiresAt;
  return recorded ? new Date(recorded) : undefined;
}
