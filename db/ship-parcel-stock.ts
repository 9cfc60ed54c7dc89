import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

export interface ShippedParcel {
  shipmentId: string;
  orderId: string;
  warehouseId: string;
  lines: Array<{ sku: string; quantity: number }>;
}

export type ParcelStockResult = { kind: 'shipped'; alreadyShipped: boolean } | { kind: 'not-reserved'; sku: string; reserved: number; requested: number };

/**
 * The parcel's stock leaves the warehouse at handover, in one transaction: a `reservation_commit`
 * movement per line (the ledger's record that reserved stock left), on_hand and reserved both
 * down by the line, the order's reservation committed (or reduced, when it holds more than this
 * parcel carries), and the shipment row marked shipped. The movement's unique key
 * (reason, shipment id, sku, warehouse) makes a retry a no-op. Availability (on_hand - reserved)
 * does not change, so neither search nor the product cache has anything to learn.
 */
export async function shipParcelStock(db: Kysely<Database>, parcel: ShippedParcel): Promise<ParcelStockResult> {
  try {
    return await shipInTransaction(db, parcel);
  } catch (error) {
    if (error instanceof NotReserved) return error.result;
    throw error;
  }
}

class NotReserved extends Error {
  constructor(readonly result: Extract<ParcelStockResult, { kind: 'not-reserved' }>) {
    super(`${result.sku}: ${result.requested} to ship, ${result.reserved} reserved`);
  }
}

function shipInTransaction(db: Kysely<Database>, parcel: ShippedParcel): Promise<ParcelStockResult> {
  return db.transaction().execute(async (trx) => {
    const lines = [...parcel.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    const done = await trx
      .selectFrom('inventory_movements')
      .select('id')
      .where('reason', '=', 'reservation_commit')
      .where('reference_id', '=', parcel.shipmentId)
      .limit(1)
      .executeTakeFirst();
    if (done) return { kind: 'shipped', alreadyShipped: true };

    for (const line of lines) {
      const reservation = await trx
        .selectFrom('inventory_reservations')
        .select(['id', 'quantity'])
        .where('order_id', '=', parcel.orderId)
        .where('sku', '=', line.sku)
        .where('warehouse_id', '=', parcel.warehouseId)
        .where('status', '=', 'reserved')
        .forUpdate()
        .executeTakeFirst();
      if (!reservation || reservation.quantity < line.quantity) {
        // Thrown, so the lines already moved roll back with it.
        throw new NotReserved({ kind: 'not-reserved', sku: line.sku, reserved: reservation?.quantity ?? 0, requested: line.quantity });
      }
      await trx
        .updateTable('inventory_reservations')
        .set(reservation.quantity === line.quantity ? { status: 'committed' } : { quantity: reservation.quantity - line.quantity })
        .where('id', '=', reservation.id)
        .execute();
      await trx
        .updateTable('inventory')
        .set({ on_hand: sql<number>`on_hand - ${line.quantity}`, reserved: sql<number>`reserved - ${line.quantity}` })
        .where('sku', '=', line.sku)
        .where('warehouse_id', '=', parcel.warehouseId)
        .execute();
      await trx
        .insertInto('inventory_movements')
        .values({
          sku: line.sku,
          warehouse_id: parcel.warehouseId,
          quantity_delta: -line.quantity,
          reason: 'reservation_commit',
          reference_type: 'shipment',
          reference_id: parcel.shipmentId,
          note: `handed over to the carrier for order ${parcel.orderId}`,
        })
        .execute();
    }
    await trx
      .updateTable('shipments')
      .set((eb) => ({
        status: eb.case().when('status', 'in', ['pending', 'label_purchased']).then(sql<'in_transit'>`'in_transit'`).else(eb.ref('status')).end(),
        shipped_at: sql<Date>`coalesce(shipped_at, now())`,
      }))
      .where('id', '=', parcel.shipmentId)
      .execute();
    return { kind: 'shipped', alreadyShipped: false };
  });
}
