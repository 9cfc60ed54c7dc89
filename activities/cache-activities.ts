import type { Redis } from 'ioredis';
import { invalidateProducts } from '../platform/product-cache';

export interface CacheActivityDeps {
  redis: Redis;
}

export function createCacheActivities({ redis }: CacheActivityDeps) {
  return {
    /** Deleting a key twice is harmless, so a retry is safe. */
    async invalidateProductCache(productIds: string[]): Promise<void> {
      await invalidateProducts(redis, productIds);
    },
  };
}

export type CacheActivities = ReturnType<typeof createCacheActivities>;
