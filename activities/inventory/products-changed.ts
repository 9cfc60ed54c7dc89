import { Context } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import { invalidateProducts } from '../../platform/product-cache';
import { signalProductSync } from '../../platform/temporal/signal-product-sync';

export interface ProductChangeActivityDeps {
  redis: Redis;
}

/** What follows any committed change to products or their stock. Every step is safe to repeat. */
export function createProductChangeActivities({ redis }: ProductChangeActivityDeps) {
  return {
    async invalidateProductCache(productIds: string[]): Promise<void> {
      await invalidateProducts(redis, productIds);
    },

    /** Drops the cached details and wakes each product's search sync (through the worker's own client). */
    async productsChanged(productIds: string[]): Promise<void> {
      await invalidateProducts(redis, productIds);
      const { client } = Context.current();
      for (const productId of productIds) await signalProductSync(client, productId);
    },
  };
}

export type ProductChangeActivities = ReturnType<typeof createProductChangeActivities>;
