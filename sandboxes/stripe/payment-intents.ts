import { createCharge, type Charge } from './charges';
import { asInteger, expansions, isTrue, newId, type SandboxContext } from './sandbox-context';
import type { Json, StripeObject } from './sandbox-store';
import { StripeError, invalidRequest, resourceMissing } from './stripe-error';
import { testPaymentMethods, type CardBehaviour } from './test-payment-methods';

type Status = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded';

export type PaymentIntent = StripeObject & {
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: Status;
  capture_method: string;
  payment_method: string | null;
  latest_charge: string | null;
  metadata: Record<string, string>;
  last_payment_error: Json | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  payment_method_options: Json;
};

const CANCELABLE: Status[] = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function createPaymentIntent(ctx: SandboxContext, params: Json): PaymentIntent {
  const amount = asInteger(params.amount);
  if (amount === undefined || amount < 1) throw invalidRequest('Missing required param: amount.', { param: 'amount' });
  const id = newId('pi');
  const paymentMethod = typeof params.payment_method === 'string' ? params.payment_method : null;
  if (isTrue(params.confirm)) requireKnownPaymentMethod(paymentMethod);
  const intent = ctx.store.put<PaymentIntent>({
    ...ctx.templates.paymentIntent,
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    currency: String(params.currency).toLowerCase(),
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    capture_method: typeof params.capture_method === 'string' ? params.capture_method : 'automatic_async',
    client_secret: `${id}_secret_${newId('s').slice(2)}`,
    created: ctx.now(),
    description: typeof params.description === 'string' ? params.description : null,
    payment_method: paymentMethod,
    payment_method_options: (params.payment_method_options as Json | undefined) ?? {},
    latest_charge: null,
    last_payment_error: null,
    next_action: null,
    cancellation_reason: null,
    canceled_at: null,
    metadata: (params.metadata as Record<string, string> | undefined) ?? {},
  });
  ctx.emit('payment_intent.created', intent);
  return isTrue(params.confirm) ? confirmPaymentIntent(ctx, intent, params) : intent;
}

export function findPaymentIntent(ctx: SandboxContext, id: string): PaymentIntent {
  const intent = ctx.store.get<PaymentIntent>(id, 'payment_intent');
  if (!intent) throw resourceMissing('payment_intent', id, 'intent');
  return expireIfPastCaptureBefore(ctx, intent);
}

/**
 * Confirms with the PaymentMethod's documented test behaviour: an authorization (held when the
 * capture is manual), a decline (402 card_error carrying the failed intent), or a card that asks
 * for authentication.
 */
export function confirmPaymentIntent(ctx: SandboxContext, intent: PaymentIntent, params: Json): PaymentIntent {
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') throw unexpectedState(intent, 'confirmed', ['requires_payment_method', 'requires_confirmation']);
  const { paymentMethod, card } = requireKnownPaymentMethod((typeof params.payment_method === 'string' ? params.payment_method : null) ?? intent.payment_method);
  const confirming = { ...intent, payment_method: paymentMethod };

  if (card.outcome === 'requires_action' && !isTrue(params.error_on_requires_action)) {
    const waiting = ctx.store.put<PaymentIntent>({ ...confirming, status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } } });
    ctx.emit('payment_intent.requires_action', waiting);
    return waiting;
  }
  if (card.outcome !== 'authorizes') {
    const failure =
      card.outcome === 'declines'
        ? { code: card.code, decline_code: card.declineCode, message: card.message }
        : { code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' };
    const charge = createCharge(ctx, confirming, card, { succeeded: false, captured: false, multicapture: false, failure });
    const lastPaymentError = { type: 'card_error', ...failure, charge: charge.id, payment_method: { id: paymentMethod, object: 'payment_method', type: 'card' } };
    const failed = ctx.store.put<PaymentIntent>({ ...confirming, status: 'requires_payment_method', latest_charge: charge.id, last_payment_error: lastPaymentError });
    ctx.emit('charge.failed', charge);
    ctx.emit('payment_intent.payment_failed', failed);
    throw new StripeError(402, { ...lastPaymentError, payment_intent: render(ctx, failed, []) });
  }

  const manual = intent.capture_method === 'manual';
  const card_options = (intent.payment_method_options.card ?? {}) as Json;
  const multicapture = manual && card_options.request_multicapture === 'if_available';
  const charge = createCharge(ctx, confirming, card, { succeeded: true, captured: !manual, multicapture });
  const confirmed = ctx.store.put<PaymentIntent>({
    ...confirming,
    status: manual ? 'requires_capture' : 'succeeded',
    amount_capturable: manual ? intent.amount : 0,
    amount_received: manual ? 0 : intent.amount,
    latest_charge: charge.id,
    last_payment_error: null,
  });
  ctx.emit('charge.succeeded', charge);
  ctx.emit(manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded', confirmed);
  return confirmed;
}

/**
 * Captures up to what is capturable. With multicapture available and final_capture=false the
 * rest stays held for later captures; otherwise the capture is final and the rest is released.
 */
export function capturePaymentIntent(ctx: SandboxContext, intent: PaymentIntent, params: Json): PaymentIntent {
  if (intent.status !== 'requires_capture') throw unexpectedState(intent, 'captured', ['requires_capture']);
  const amount = params.amount_to_capture === undefined ? intent.amount_capturable : asInteger(params.amount_to_capture);
  if (amount === undefined || amount < 1 || amount > intent.amount_capturable) {
    throw invalidRequest(`The amount to capture must be between 1 and the amount capturable (${intent.amount_capturable}).`, { param: 'amount_to_capture', code: 'amount_too_large' });
  }
  const charge = chargeOf(ctx, intent);
  const keepRest = params.final_capture === 'false';
  if (keepRest && charge.payment_method_details.card.multicapture.status !== 'available') {
    throw invalidRequest('final_capture=false is only allowed when multicapture is available for this charge.', { param: 'final_capture' });
  }
  const received = intent.amount_received + amount;
  const final = !keepRest || received === intent.amount;
  const captured = ctx.store.put<PaymentIntent>({ ...intent, amount_received: received, amount_capturable: final ? 0 : intent.amount_capturable - amount, status: final ? 'succeeded' : 'requires_capture' });
  const updatedCharge = ctx.store.put<Charge>({ ...charge, captured: true, amount_captured: received });
  ctx.emit('charge.captured', updatedCharge);
  ctx.emit(final ? 'payment_intent.succeeded' : 'payment_intent.amount_capturable_updated', captured);
  return captured;
}

/** Releases what is held. An intent with partial captures ends succeeded with what was captured, as in Stripe. */
export function cancelPaymentIntent(ctx: SandboxContext, intent: PaymentIntent, params: Json, reason?: string): PaymentIntent {
  if (!CANCELABLE.includes(intent.status)) throw unexpectedState(intent, 'canceled', CANCELABLE);
  if (intent.amount_received > 0) {
    const settled = ctx.store.put<PaymentIntent>({ ...intent, status: 'succeeded', amount_capturable: 0 });
    ctx.emit('payment_intent.succeeded', settled);
    return settled;
  }
  const canceled = ctx.store.put<PaymentIntent>({
    ...intent,
    status: 'canceled',
    amount_capturable: 0,
    canceled_at: ctx.now(),
    cancellation_reason: reason ?? (typeof params.cancellation_reason === 'string' ? params.cancellation_reason : null),
  });
  if (reason === 'automatic' && canceled.latest_charge) ctx.emit('charge.expired', chargeOf(ctx, canceled));
  ctx.emit('payment_intent.canceled', canceled);
  return canceled;
}

/** An authorization not captured by its charge's capture_before is released by the card network. */
export function expireIfPastCaptureBefore(ctx: SandboxContext, intent: PaymentIntent, force = false): PaymentIntent {
  if (intent.status !== 'requires_capture') return intent;
  const captureBefore = chargeOf(ctx, intent).payment_method_details.card.capture_before;
  if (!force && (captureBefore === undefined || captureBefore > ctx.now())) return intent;
  return cancelPaymentIntent(ctx, intent, {}, 'automatic');
}

export function chargeOf(ctx: SandboxContext, intent: PaymentIntent): Charge {
  const charge = intent.latest_charge ? ctx.store.get<Charge>(intent.latest_charge, 'charge') : undefined;
  if (!charge) throw invalidRequest(`PaymentIntent ${intent.id} has no charge.`, { code: 'payment_intent_unexpected_state' });
  return charge;
}

/**
 * Stripe's search, for the one clause shape callers use to find an order's intents:
 * `metadata['key']:'value'`, joined with AND.
 */
export function searchPaymentIntents(ctx: SandboxContext, params: Json): Json {
  const query = typeof params.query === 'string' ? params.query : '';
  const clauses = query.split(/\s+AND\s+/).map((clause) => /^metadata\['([^']+)'\]:'([^']*)'$/.exec(clause.trim()));
  if (clauses.some((clause) => !clause)) throw invalidRequest(`The sandbox searches only by metadata['key']:'value' clauses joined with AND, not: ${query}`, { param: 'query' });
  const data = ctx.store
    .all<PaymentIntent>('payment_intent')
    .filter((intent) => clauses.every((clause) => intent.metadata[clause![1]!] === clause![2]))
    .sort((a, b) => Number(b.created) - Number(a.created));
  return { object: 'search_result', url: '/v1/payment_intents/search', has_more: false, next_page: null, data };
}

export function render(ctx: SandboxContext, intent: PaymentIntent, expand: string[]): Json {
  return expand.includes('latest_charge') && intent.latest_charge ? { ...intent, latest_charge: chargeOf(ctx, intent) } : intent;
}

export const renderWith = (ctx: SandboxContext, params: Json) => (intent: PaymentIntent) => render(ctx, intent, expansions(params));

function requireKnownPaymentMethod(id: string | null): { paymentMethod: string; card: CardBehaviour } {
  if (!id) throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", { param: 'payment_method', code: 'payment_intent_unexpected_state' });
  const card = testPaymentMethods[id];
  if (!card) throw invalidRequest(`No such PaymentMethod: '${id}'`, { param: 'payment_method', code: 'resource_missing' });
  return { paymentMethod: id, card };
}

function unexpectedState(intent: PaymentIntent, verb: string, allowed: Status[]): StripeError {
  return invalidRequest(
    `This PaymentIntent could not be ${verb} because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be ${verb}: ${allowed.join(', ')}.`,
    { code: 'payment_intent_unexpected_state', payment_intent: intent },
  );
}
