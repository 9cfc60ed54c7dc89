import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface InventoryAlertSettings {
  defaultLowStockThreshold: number;
  opsAlertEmail: string;
}

/** Puts configuration where the inventory_low_stock trigger reads it. Run by every composition root at startup. */
export async function applyInventoryAlertSettings(db: Kysely<Database>, settings: InventoryAlertSettings): Promise<void> {
  await db
    .insertInto('inventory_alert_settings')
    .values({ id: true, default_low_stock_threshold: settings.defaultLowStockThreshold, ops_alert_email: settings.opsAlertEmail })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ default_low_stock_threshold: settings.defaultLowStockThreshold, ops_alert_email: settings.opsAlertEmail }),
    )
    .execute();
}

export interface LowStockThreshold {
  warehouseCode: string;
  sku: string;
  /** The SKU's own threshold in this warehouse; null when it follows the default. */
  threshold: number | null;
  effectiveThreshold: number;
  available: number;
  belowThreshold: boolean;
}

export type SetThresholdResult = { kind: 'set'; threshold: LowStockThreshold } | { kind: 'unknown_warehouse' } | { kind: 'unknown_sku' };

/**
 * Sets (or, with null, clears) the threshold of a SKU in a warehouse. A pair never stocked gets its
 * inventory row (nothing on hand), so a threshold can be set before the first receipt. Changing it
 * re-judges the row without alerting: only stock going down across the line is a crossing.
 */
export async function setLowStockThreshold(
  db: Kysely<Database>,
  { warehouseCode, sku, threshold }: { warehouseCode: string; sku: string; threshold: number | null },
): Promise<SetThresholdResult> {
  const warehouse = await db.selectFrom('warehouses').select('id').where('code', '=', warehouseCode).where('active', '=', true).executeTakeFirst();
  if (!warehouse) return { kind: 'unknown_warehouse' };
  const variant = await db.selectFrom('product_variants').select('sku').where('sku', '=', sku).executeTakeFirst();
  if (!variant) return { kind: 'unknown_sku' };
  const row = await db
    .insertInto('inventory')
    .values({ sku, warehouse_id: warehouse.id, low_stock_threshold: threshold })
    .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doUpdateSet({ low_stock_threshold: threshold }))
    .returning(['on_hand', 'reserved', 'low_stock_threshold', 'low_stock_alerted'])
    .executeTakeFirstOrThrow();
  const settings = await db.selectFrom('inventory_alert_settings').select('default_low_stock_threshold').executeTakeFirstOrThrow();
  return {
    kind: 'set',
    threshold: {
      warehouseCode,
      sku,
      threshold: row.low_stock_threshold,
      effectiveThreshold: row.low_stock_threshold ?? settings.default_low_stock_threshold,
      available: row.on_hand - row.reserved,
      belowThreshold: row.low_stock_alerted,
    },
  };
}
