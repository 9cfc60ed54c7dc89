import type { Kysely } from 'kysely';
import type { Database } from './database';
import type { VersionedDocument } from './product-search-documents';

export interface OrderSearchDocument {
  orderId: string;
  customerId: string | null;
  email: string;
  status: string;
  statusReason: string | null;
  riskLevel: string | null;
  currency: string;
  total: number;
  skus: string[];
  trackingNumbers: string[];
  shipToName: string | null;
  shipToCountry: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The order as support searches it; versioned by its last update so a late write cannot roll it back. */
export async function loadOrderSearchDocument(db: Kysely<Database>, orderId: string): Promise<VersionedDocument<OrderSearchDocument> | undefined> {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) return undefined;
  const [items, shipments] = await Promise.all([
    db.selectFrom('order_items').select('sku').where('order_id', '=', orderId).orderBy('sku').execute(),
    db.selectFrom('shipments').select('tracking_number').where('order_id', '=', orderId).where('tracking_number', 'is not', null).execute(),
  ]);
  return {
    version: order.updated_at.getTime(),
    document: {
      orderId: order.id,
      customerId: order.customer_id,
      email: order.email.toLowerCase(),
      status: order.status,
      statusReason: order.status_reason,
      riskLevel: order.risk_level,
      currency: order.currency,
      total: order.total_amount,
      skus: items.map((i) => i.sku),
      trackingNumbers: shipments.map((s) => s.tracking_number!),
      shipToName: order.shipping_address.name ?? null,
      shipToCountry: order.shipping_address.country ?? null,
      createdAt: order.created_at.toISOString(),
      updatedAt: order.updated_at.toISOString(),
    },
  };
}
