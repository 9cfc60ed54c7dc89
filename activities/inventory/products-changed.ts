import { Context } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import { invalidateProducts } from '../../platform/product-cache';
import { signalProductSync } from '../../platform/temporal/signal-product-sync';

/** Drops the cached details and wakes each product's search sync (through the worker's own client). Safe to repeat. */
export async function productsChanged(redis: Redis, productIds: string[]): Promise<void> {
  await invalidateProducts(redis, productIds);
  const { client } = Context.current();
  for (const productId of productIds) await signalProductSync(client, productId);
}
