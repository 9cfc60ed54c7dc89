import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { queueBackInStockEmails, type BackInStockRestock } from '../../db/back-in-stock';
import type { Database } from '../../db/database';

export type { BackInStockRestock };

/**
 * After a restock, queues one `back-in-stock` email per customer waiting for a SKU it brought
 * back, and marks them told. Idempotent: a retry, even after a lost answer, finds nobody waiting.
 */
export async function notifyBackInStock(db: Kysely<Database>, restock: BackInStockRestock): Promise<{ queued: number }> {
  const result = await queueBackInStockEmails(db, restock);
  if (result.queued > 0) log.info('back-in-stock emails queued', { receiptId: restock.receiptId, queued: result.queued });
  return result;
}
