import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database';
import { bumpSearchVersion } from './receive-stock';

export interface ReservationLine {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export type ReserveResult = { kind: 'reserved'; productIds: string[] } | { kind: 'short'; sku: string; warehouseId: string; requested: number };

class Short extends Error {
  constructor(readonly line: ReservationLine) {
    super(`not enough ${line.sku} in ${line.warehouseId}`);
  }
}

/**
 * Reserves every line or none. Each line is one conditional statement, so two checkouts can
 * never both take the last unit: the database decides, not a read made earlier. A retry for an
 * order that already holds its reservations changes nothing.
 */
export async function reserveStock(db: Kysely<Database>, orderId: string, lines: ReservationLine[], expiresAt: Date): Promise<ReserveResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const held = await trx.selectFrom('inventory_reservations').select('id').where('order_id', '=', orderId).limit(1).executeTakeFirst();
      if (held) return { kind: 'reserved', productIds: await productIdsOf(trx, lines) };
      // A fixed lock order (sku, warehouse) keeps concurrent multi-line checkouts from deadlocking.
      const sorted = [...lines].sort((a, b) => a.sku.localeCompare(b.sku) || a.warehouseId.localeCompare(b.warehouseId));
      for (const line of sorted) {
        const taken = await trx
          .updateTable('inventory')
          .set({ reserved: sql<number>`reserved + ${line.quantity}` })
          .where('sku', '=', line.sku)
          .where('warehouse_id', '=', line.warehouseId)
          .where(sql<boolean>`on_hand - reserved >= ${line.quantity}`)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw new Short(line);
      }
      await trx
        .insertInto('inventory_reservations')
        .values(sorted.map((line) => ({ order_id: orderId, sku: line.sku, warehouse_id: line.warehouseId, quantity: line.quantity, expires_at: expiresAt })))
        .execute();
      const productIds = await productIdsOf(trx, lines);
      await bumpSearchVersion(trx, productIds);
      return { kind: 'reserved', productIds };
    });
  } catch (error) {
    if (error instanceof Short) return { kind: 'short', sku: error.line.sku, warehouseId: error.line.warehouseId, requested: error.line.quantity };
    throw error;
  }
}

/** The compensation: gives back what an order still holds. Nothing held, nothing done; run it twice, same result. */
export async function releaseReservations(db: Kysely<Database>, orderId: string): Promise<{ released: ReservationLine[]; productIds: string[] }> {
  return db.transaction().execute(async (trx) => {
    const released = await trx
      .updateTable('inventory_reservations')
      .set({ status: 'released' })
      .where('order_id', '=', orderId)
      .where('status', '=', 'reserved')
      .returning(['sku', 'warehouse_id', 'quantity'])
      .execute();
    const lines = released
      .map((r) => ({ sku: r.sku, warehouseId: r.warehouse_id, quantity: r.quantity }))
      .sort((a, b) => a.sku.localeCompare(b.sku) || a.warehouseId.localeCompare(b.warehouseId));
    for (const line of lines) {
      await trx
        .updateTable('inventory')
        .set({ reserved: sql<number>`reserved - ${line.quantity}` })
        .where('sku', '=', line.sku)
        .where('warehouse_id', '=', line.warehouseId)
        .execute();
    }
    const productIds = await productIdsOf(trx, lines);
    await bumpSearchVersion(trx, productIds);
    return { released: lines, productIds };
  });
}

/**
 * Orders holding a reservation past its expiry, by order id after `after` (a cursor, so orders
 * that are left alone do not come back in the same sweep).
 */
export async function findOrdersWithExpiredReservations(db: Kysely<Database>, { after, limit }: { after: string | null; limit: number }): Promise<string[]> {
  let query = db
    .selectFrom('inventory_reservations')
    .select('order_id')
    .distinct()
    .where('status', '=', 'reserved')
    .where('expires_at', '<', sql<Date>`now()`)
    .orderBy('order_id')
    .limit(limit);
  if (after !== null) query = query.where('order_id', '>', after);
  return (await query.execute()).map((row) => row.order_id);
}

export async function findReservations(db: Kysely<Database> | Transaction<Database>, orderId: string) {
  return db
    .selectFrom('inventory_reservations as r')
    .innerJoin('warehouses as w', 'w.id', 'r.warehouse_id')
    .select(['r.sku', 'r.warehouse_id', 'w.code as warehouse_code', 'r.quantity', 'r.status', 'r.expires_at'])
    .where('r.order_id', '=', orderId)
    .orderBy('r.sku')
    .execute();
}

/** Availability per (sku, warehouse) for allocation: on_hand minus reserved, active warehouses only. */
export async function availableStock(db: Kysely<Database>, skus: string[]) {
  if (skus.length === 0) return [];
  return db
    .selectFrom('inventory as i')
    .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
    .select(['i.sku', 'w.id as warehouse_id', 'w.code as warehouse_code', sql<number>`i.on_hand - i.reserved`.as('available')])
    .where('i.sku', 'in', skus)
    .where('w.active', '=', true)
    .where(sql<boolean>`i.on_hand - i.reserved > 0`)
    .execute();
}

export async function productIdsOf(db: Kysely<Database> | Transaction<Database>, lines: { sku: string }[]): Promise<string[]> {
  if (lines.length === 0) return [];
  const rows = await db.selectFrom('product_variants').select('product_id').distinct().where('sku', 'in', [...new Set(lines.map((l) => l.sku))]).execute();
  return rows.map((r) => r.product_id).sort();
}
