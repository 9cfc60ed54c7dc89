import type { Redis } from 'ioredis';

/**
 * Product detail is cached in Redis (read-through, explicit TTL). Every change to a product,
 * its SKUs, prices or stock deletes its key; the TTL bounds staleness if a delete is lost.
 */
export const PRODUCT_CACHE_TTL_SECONDS = 60;

export const productCacheKey = (productId: string): string => `product:v1:${productId}`;

export async function invalidateProducts(redis: Redis, productIds: string[]): Promise<void> {
  if (productIds.length === 0) return;
  await redis.del(...productIds.map(productCacheKey));
}
