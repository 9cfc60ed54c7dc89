import type { Redis } from 'ioredis';
import { businessFailure } from '../../domain/business-failure';
import { cartFields, cartKeys, decodeCart, type CartLine } from '../../domain/cart';
import type { CheckoutLine } from '../../domain/checkout';

export interface CartActivityDeps {
  redis: Redis;
}

export function createCartActivities({ redis }: CartActivityDeps) {
  return {
    /** The lines as the shopper saw them (price snapshots included); checkout re-prices them. */
    async snapshotCart({ cartId, customerId }: { cartId: string; customerId: string }): Promise<CheckoutLine[]> {
      const fields = await redis.hgetall(cartKeys.cart(cartId));
      if (Object.keys(fields).length === 0) throw businessFailure('CartEmpty', `cart ${cartId} does not exist or has expired`, { cartId });
      const cart = decodeCart(cartId, fields);
      // An anonymous cart is merged into the customer's at sign-in; checkout takes only the customer's own.
      if (cart.customerId !== customerId) throw businessFailure('CartEmpty', `cart ${cartId} is not this customer's cart`, { cartId });
      if (cart.lines.length === 0) throw businessFailure('CartEmpty', `cart ${cartId} is empty`, { cartId });
      return cart.lines.map(toCheckoutLine);
    },

    /**
     * Removes the lines that were ordered, and moves the cart's revision on so a concurrent
     * cart write re-reads it. Lines added meanwhile stay. Removing absent lines is a no-op.
     */
    async clearOrderedLines({ cartId, skus }: { cartId: string; skus: string[] }): Promise<void> {
      const key = cartKeys.cart(cartId);
      if ((await redis.exists(key)) === 0 || skus.length === 0) return;
      await redis
        .multi()
        .hdel(key, ...skus.map((sku) => `${cartFields.linePrefix}${sku}`))
        .hincrby(key, cartFields.revision, 1)
        .exec();
    },
  };
}

function toCheckoutLine({ sku, productId, productName, quantity, unitPrice, weightGrams }: CartLine): CheckoutLine {
  return { sku, productId, productName, quantity, unitPrice, weightGrams };
}

export type CartActivities = ReturnType<typeof createCartActivities>;
