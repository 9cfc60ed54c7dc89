import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface PickListOrder {
  orderId: string;
  confirmedAt: string;
  lines: Array<{ sku: string; productName: string; quantity: number }>;
}

/**
 * What a warehouse must pick: the stock it holds reserved for confirmed orders, oldest order
 * first, one entry per order with the lines this warehouse ships.
 */
export async function findPickList(db: Kysely<Database>, warehouseCode: string, limit: number): Promise<PickListOrder[] | undefined> {
  const warehouse = await db.selectFrom('warehouses').select('id').where('code', '=', warehouseCode).executeTakeFirst();
  if (!warehouse) return undefined;
  // Confirmed orders holding stock here: the page of orders is chosen first, then their lines.
  const holding = () =>
    db
      .selectFrom('inventory_reservations as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .where('r.warehouse_id', '=', warehouse.id)
      .where('r.status', '=', 'reserved')
      .where('o.status', '=', 'confirmed');
  const page = holding().select('o.id').groupBy(['o.id', 'o.updated_at']).orderBy('o.updated_at').orderBy('o.id').limit(limit);
  const rows = await holding()
    .innerJoin('order_items as i', (join) => join.onRef('i.order_id', '=', 'r.order_id').onRef('i.sku', '=', 'r.sku'))
    .select(['o.id as orderId', 'o.updated_at as confirmedAt', 'r.sku', 'i.product_name as productName', 'r.quantity'])
    .where('o.id', 'in', page)
    .orderBy('o.updated_at')
    .orderBy('o.id')
    .orderBy('r.sku')
    .execute();
  const orders = new Map<string, PickListOrder>();
  for (const row of rows) {
    const order = orders.get(row.orderId) ?? { orderId: row.orderId, confirmedAt: new Date(row.confirmedAt).toISOString(), lines: [] };
    order.lines.push({ sku: row.sku, productName: row.productName, quantity: row.quantity });
    orders.set(row.orderId, order);
  }
  return [...orders.values()];
}
