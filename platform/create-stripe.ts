import Stripe from 'stripe';
import type { Config } from './config';

/** The official SDK, pointed at stripe-mock locally through STRIPE_API_BASE. */
export function createStripe({ stripe }: Pick<Config, 'stripe'>): Stripe {
  const base = stripe.apiBase ? new URL(stripe.apiBase) : undefined;
  return new Stripe(stripe.apiKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}
