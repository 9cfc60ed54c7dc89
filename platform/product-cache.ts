import type { Redis } from 'ioredis';

/**
 * Product detail is cached in Redis (read-through, explicit TTL). Every change to a product,
 * its SKUs, prices or stock deletes its key; the TTL bounds staleness if a delete is lost.
 */
export const PRODUCT_CACHE_TTL_SECONDS = 60;

export const productCacheKey = (productId: string): string => `product:v1:${productId}`;

/**
 * Slugs map to ids too, so a slug request that hits makes no database query either. Writers
 * delete only the product key, so a mapping can outlive a slug change: readers check the cached
 * detail's own slug and fall back to the database on a mismatch.
 */
export const productSlugCacheKey = (slug: string): string => `product-slug:v1:${slug}`;

export async function invalidateProducts(redis: Redis, productIds: string[]): Promise<void> {
  if (productIds.length === 0) return;
  await redis.del(...productIds.map(productCacheKey));
}
