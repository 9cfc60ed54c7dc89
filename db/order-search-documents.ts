import type { Kysely } from 'kysely';
import type { Database } from './database';
import type { VersionedDocument } from './product-search-documents';
import { findStaleIds, markIndexed } from './search-state';

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

/** Orders as support searches them; versioned by search_version so a late write cannot roll one back. */
export async function loadOrderSearchDocuments(db: Kysely<Database>, orderIds: string[]): Promise<VersionedDocument<OrderSearchDocument>[]> {
  if (orderIds.length === 0) return [];
  const [orders, items, shipments] = await Promise.all([
    db.selectFrom('orders').selectAll().where('id', 'in', orderIds).execute(),
    db.selectFrom('order_items').select(['order_id', 'sku']).where('order_id', 'in', orderIds).orderBy('sku').execute(),
    db.selectFrom('shipments').select(['order_id', 'tracking_number']).where('order_id', 'in', orderIds).where('tracking_number', 'is not', null).execute(),
  ]);
  return orders.map((order) => ({
    version: order.search_version,
    document: {
      orderId: order.id,
      customerId: order.customer_id,
      email: order.email.toLowerCase(),
      status: order.status,
      statusReason: order.status_reason,
      riskLevel: order.risk_level,
      currency: order.currency,
      total: order.total_amount,
      skus: items.filter((i) => i.order_id === order.id).map((i) => i.sku),
      trackingNumbers: shipments.filter((s) => s.order_id === order.id).map((s) => s.tracking_number!),
      shipToName: order.shipping_address.name ?? null,
      shipToCountry: order.shipping_address.country ?? null,
      createdAt: order.created_at.toISOString(),
      updatedAt: order.updated_at.toISOString(),
    },
  }));
}

export const markOrdersIndexed = (db: Kysely<Database>, indexed: { id: string; version: number }[]): Promise<void> => markIndexed(db, 'orders', indexed);

/** Orders changed since they were last indexed (after an Elasticsearch outage, say), oldest change first. */
export const findStaleOrderIds = (db: Kysely<Database>, limit: number): Promise<string[]> => findStaleIds(db, 'orders', limit);
