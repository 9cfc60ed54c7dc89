import type { SandboxContext } from './sandbox-context';
import { newId } from './sandbox-context';
import type { Json, StripeObject } from './sandbox-store';
import type { CardBehaviour } from './test-payment-methods';

export type Charge = StripeObject & {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  payment_intent: string;
  payment_method: string;
  payment_method_details: Json & { card: Json & { capture_before?: number; multicapture: { status: 'available' | 'unavailable' } } };
};

/** The charge a confirmation makes: authorized (uncaptured) or failed. */
export function createCharge(
  ctx: SandboxContext,
  intent: { id: string; amount: number; currency: string; metadata: unknown; payment_method: string },
  card: CardBehaviour,
  outcome: { succeeded: boolean; captured: boolean; multicapture: boolean; failure?: { code: string; message: string } },
): Charge {
  const template = ctx.templates.charge;
  const details = template.payment_method_details as Json & { card: Json };
  const now = ctx.now();
  return ctx.store.put<Charge>({
    ...template,
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: outcome.captured ? intent.amount : 0,
    amount_refunded: 0,
    captured: outcome.captured,
    refunded: false,
    paid: outcome.succeeded,
    status: outcome.succeeded ? 'succeeded' : 'failed',
    failure_code: outcome.failure?.code ?? null,
    failure_message: outcome.failure?.message ?? null,
    created: now,
    currency: intent.currency,
    description: null,
    metadata: intent.metadata,
    payment_intent: intent.id,
    payment_method: intent.payment_method,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: '/v1/refunds' },
    payment_method_details: {
      ...details,
      card: {
        ...details.card,
        brand: card.brand,
        last4: card.last4,
        amount_authorized: outcome.succeeded ? intent.amount : null,
        ...(outcome.succeeded && !outcome.captured && { capture_before: now + ctx.authorizationTtlS }),
        multicapture: { status: outcome.multicapture ? 'available' : 'unavailable' },
      },
    },
  });
}
