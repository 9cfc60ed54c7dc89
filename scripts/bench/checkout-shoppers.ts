import { randomBytes } from 'node:crypto';
import { signToken, type TokenSettings } from '../../api/http/tokens';

export interface Shopper {
  subject: string;
  bearer: string;
  email: string;
  cartId: string;
}

export const benchAddress = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

/** Customers never seen before, each with a token of their own; carts are filled later (or never, for the skeleton). */
export async function newShoppers(tokens: TokenSettings, prefix: string, count: number): Promise<Shopper[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const subject = `${prefix}-${String(i).padStart(5, '0')}`;
      return {
        subject,
        bearer: `Bearer ${await signToken(tokens, { subject, role: 'customer' })}`,
        email: `${subject}@example.com`,
        cartId: randomBytes(16).toString('base64url'),
      };
    }),
  );
}

/** Each shopper's cart through the real API: POST /carts, then one POST /carts/:id/lines per line. */
export async function fillCarts(origin: string, shoppers: Shopper[], skus: string[], linesPerCart: number, concurrency: number): Promise<void> {
  const call = async (shopper: Shopper, path: string, body: object) => {
    const res = await fetch(new URL(path, origin), {
      method: 'POST',
      headers: { authorization: shopper.bearer, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { id?: string };
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let next = 0;
  const filler = async () => {
    while (next < shoppers.length) {
      const i = next++;
      const shopper = shoppers[i]!;
      shopper.cartId = (await call(shopper, '/carts', {})).id!;
      // Consecutive SKUs per cart, wrapping around: every SKU is ordered about equally often.
      for (let line = 0; line < linesPerCart; line += 1) {
        await call(shopper, `/carts/${shopper.cartId}/lines`, { sku: skus[(i * linesPerCart + line) % skus.length]!, quantity: 1 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, filler));
}

/** `card` pays with Stripe's test card through the stack's Stripe sandbox (STRIPE_API_BASE). */
export type BenchPayment = 'manual' | 'card';

export function checkoutRequestBody(shopper: Shopper, payment: BenchPayment = 'manual'): string {
  const paymentMethod = payment === 'card' ? { provider: 'stripe', paymentMethodId: 'pm_card_visa' } : { provider: 'manual' };
  return JSON.stringify({ cartId: shopper.cartId, email: shopper.email, shippingAddress: benchAddress, shippingSpeed: 'standard', paymentMethod });
}
