import { log } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import { invalidateProducts } from '../../platform/product-cache';

/**
 * Product pages cache availability, so a step that moves stock drops them itself. Redis being
 * away must not fail a stock move: the cache TTL bounds the staleness. Answers the ids it was given.
 */
export async function dropCachedProductPages(redis: Redis, productIds: string[]): Promise<string[]> {
  try {
    await invalidateProducts(redis, productIds);
  } catch (error) {
    log.warn('could not drop cached product pages', { productIds, error: String(error) });
  }
  return productIds;
}
