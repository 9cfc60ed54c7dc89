import { chargeOf, findPaymentIntent, type PaymentIntent } from './payment-intents';
import { asInteger, newId, type SandboxContext } from './sandbox-context';
import type { Charge } from './charges';
import type { Json, StripeObject } from './sandbox-store';
import { invalidRequest, resourceMissing } from './stripe-error';
import { testPaymentMethods } from './test-payment-methods';

export type Refund = StripeObject & {
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  failure_reason?: string | null;
};

/**
 * Refunds what was captured and not yet refunded. A refund on pm_card_refundFail starts
 * succeeded and fails a little later, as Stripe documents for that card: its money comes back
 * to the charge and `refund.failed` is sent.
 */
export function createRefund(ctx: SandboxContext, params: Json): Refund {
  const intent = intentOf(ctx, params);
  const charge = chargeOf(ctx, intent);
  const refundable = charge.amount_captured - charge.amount_refunded;
  if (charge.amount_captured === 0) throw invalidRequest(`PaymentIntent ${intent.id} has nothing captured to refund; cancel it to release the authorization.`, { code: 'charge_not_refundable' });
  if (refundable === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = params.amount === undefined ? refundable : asInteger(params.amount);
  if (amount === undefined || amount < 1 || amount > refundable) {
    throw invalidRequest(`Refund amount (${String(params.amount)}) is greater than unrefunded amount on charge (${refundable}).`, { param: 'amount', code: 'amount_too_large' });
  }
  const refund = ctx.store.put<Refund>({
    ...ctx.templates.refund,
    id: newId('re'),
    object: 'refund',
    amount,
    charge: charge.id,
    payment_intent: intent.id,
    currency: intent.currency,
    created: ctx.now(),
    metadata: (params.metadata as Json | undefined) ?? {},
    reason: typeof params.reason === 'string' ? params.reason : null,
    status: 'succeeded',
    failure_reason: null,
  });
  const refunded = moveRefunded(ctx, charge, amount);
  ctx.emit('refund.created', refund);
  ctx.emit('refund.updated', refund);
  ctx.emit('charge.refunded', refunded);
  const card = testPaymentMethods[intent.payment_method ?? ''];
  if (card?.outcome === 'authorizes' && card.refunds === 'fail') ctx.later(ctx.refundFailureDelayMs, (background) => void failRefund(background, refund.id));
  return refund;
}

export function findRefund(ctx: SandboxContext, id: string): Refund {
  const refund = ctx.store.get<Refund>(id, 'refund');
  if (!refund) throw resourceMissing('refund', id);
  return refund;
}

/**
 * A refund that had succeeded fails (the card was closed, the bank sent it back): the money
 * returns to the charge, and `refund.failed` and `refund.updated` are sent. The control API
 * (`POST /_sandbox/refunds/:id/fail`) does this on demand, with the reason the test names.
 */
export function failRefund(ctx: SandboxContext, id: string, reason = 'expired_or_canceled_card'): Refund {
  const refund = findRefund(ctx, id);
  if (refund.status !== 'succeeded') return refund;
  const failed = ctx.store.put<Refund>({ ...refund, status: 'failed', failure_reason: reason });
  const charge = ctx.store.get<Charge>(refund.charge, 'charge');
  if (charge) moveRefunded(ctx, charge, -refund.amount);
  ctx.emit('refund.failed', failed);
  ctx.emit('refund.updated', failed);
  return failed;
}

function moveRefunded(ctx: SandboxContext, charge: Charge, amount: number): Charge {
  const refunded = charge.amount_refunded + amount;
  return ctx.store.put<Charge>({ ...charge, amount_refunded: refunded, refunded: refunded === charge.amount_captured });
}

function intentOf(ctx: SandboxContext, params: Json): PaymentIntent {
  if (typeof params.payment_intent === 'string') return findPaymentIntent(ctx, params.payment_intent);
  if (typeof params.charge === 'string') {
    const charge = ctx.store.get<Charge>(params.charge, 'charge');
    if (!charge) throw resourceMissing('charge', params.charge, 'charge');
    return findPaymentIntent(ctx, charge.payment_intent);
  }
  throw invalidRequest('One of payment_intent or charge is required.', { param: 'payment_intent' });
}
