import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { receiveStock as recordReceipt } from '../../db/receive-stock';
import { businessFailure } from '../../domain/business-failure';
import type { RestockInput } from '../../domain/restock';

export interface StockReceived {
  lines: { sku: string; quantity: number; onHandAfter: number }[];
  productIds: string[];
}

/** Idempotent: keyed by the receipt id, a retry after a lost response changes nothing. */
export async function receiveStock(db: Kysely<Database>, input: RestockInput): Promise<StockReceived> {
  const result = await recordReceipt(db, input);
  switch (result.kind) {
    case 'unknown_warehouse':
      throw businessFailure('UnknownWarehouse', `no active warehouse ${result.warehouseCode}`, { warehouseCode: result.warehouseCode });
    case 'unknown_skus':
      throw businessFailure('UnknownSku', `unknown SKUs: ${result.skus.join(', ')}`, { skus: result.skus });
    case 'received':
      log.info(result.applied ? 'stock received' : 'receipt already applied', {
        receiptId: input.receiptId,
        lines: result.lines.length,
      });
      return { lines: result.lines, productIds: result.productIds };
  }
}
