import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database';

export interface StockReceipt {
  receiptId: string;
  warehouseCode: string;
  lines: { sku: string; quantity: number }[];
  receivedBy: string;
  note?: string;
}

export type ReceiveStockResult =
  | {
      kind: 'received';
      /** False when this receipt had already been applied: nothing changed this time. */
      applied: boolean;
      lines: { sku: string; quantity: number; onHandAfter: number }[];
      productIds: string[];
    }
  | { kind: 'unknown_warehouse'; warehouseCode: string }
  | { kind: 'unknown_skus'; skus: string[] };

/**
 * Applies a receipt exactly once: the receipt row, the stock, the ledger movements and the
 * search-version bump of the touched products commit together or not at all. A receipt id
 * seen before returns the stored result and changes nothing, so a retried activity is safe.
 */
export async function receiveStock(db: Kysely<Database>, receipt: StockReceipt): Promise<ReceiveStockResult> {
  return db.transaction().execute(async (trx) => {
    const warehouse = await trx
      .selectFrom('warehouses')
      .select('id')
      .where('code', '=', receipt.warehouseCode)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!warehouse) return { kind: 'unknown_warehouse', warehouseCode: receipt.warehouseCode };

    const skus = receipt.lines.map((line) => line.sku);
    const variants = await trx.selectFrom('product_variants').select(['sku', 'product_id']).where('sku', 'in', skus).execute();
    const known = new Set(variants.map((v) => v.sku));
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length > 0) return { kind: 'unknown_skus', skus: unknown };
    const productIds = [...new Set(variants.map((v) => v.product_id))];

    const inserted = await trx
      .insertInto('inventory_receipts')
      .values({
        receipt_id: receipt.receiptId,
        warehouse_id: warehouse.id,
        status: 'completed',
        created_by: receipt.receivedBy,
        note: receipt.note ?? null,
        completed_at: sql<Date>`now()`,
      })
      .onConflict((oc) => oc.column('receipt_id').doNothing())
      .returning('receipt_id')
      .executeTakeFirst();
    if (!inserted) {
      return { kind: 'received', applied: false, lines: await receiptLinesWithStock(trx, receipt.receiptId, warehouse.id), productIds };
    }

    await trx
      .insertInto('inventory_receipt_lines')
      .values(receipt.lines.map((line) => ({ receipt_id: receipt.receiptId, sku: line.sku, quantity: line.quantity })))
      .execute();
    // Lock order by sku so two receipts touching the same rows cannot deadlock.
    const sorted = [...receipt.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    await trx
      .insertInto('inventory')
      .values(sorted.map((line) => ({ sku: line.sku, warehouse_id: warehouse.id, on_hand: line.quantity })))
      .onConflict((oc) =>
        oc.columns(['sku', 'warehouse_id']).doUpdateSet({
          on_hand: sql<number>`inventory.on_hand + excluded.on_hand`,
          version: sql<number>`inventory.version + 1`,
        }),
      )
      .execute();
    await trx
      .insertInto('inventory_movements')
      .values(
        sorted.map((line) => ({
          sku: line.sku,
          warehouse_id: warehouse.id,
          quantity_delta: line.quantity,
          reason: 'receipt' as const,
          reference_type: 'inventory_receipt',
          reference_id: receipt.receiptId,
          note: receipt.note ?? null,
        })),
      )
      .execute();
    await bumpSearchVersion(trx, productIds);
    return { kind: 'received', applied: true, lines: await receiptLinesWithStock(trx, receipt.receiptId, warehouse.id), productIds };
  });
}

/** Marks products as changed for the search projection; a later write wins by version. */
export async function bumpSearchVersion(trx: Transaction<Database>, productIds: string[]): Promise<void> {
  if (productIds.length === 0) return;
  await trx
    .updateTable('products')
    .set({ search_version: sql<number>`search_version + 1` })
    .where('id', 'in', [...productIds].sort())
    .execute();
}

async function receiptLinesWithStock(trx: Transaction<Database>, receiptId: string, warehouseId: string) {
  const rows = await trx
    .selectFrom('inventory_receipt_lines as l')
    .innerJoin('inventory as i', (join) => join.onRef('i.sku', '=', 'l.sku').on('i.warehouse_id', '=', warehouseId))
    .select(['l.sku', 'l.quantity', 'i.on_hand'])
    .where('l.receipt_id', '=', receiptId)
    .orderBy('l.sku')
    .execute();
  return rows.map((row) => ({ sku: row.sku, quantity: row.quantity, onHandAfter: row.on_hand }));
}
