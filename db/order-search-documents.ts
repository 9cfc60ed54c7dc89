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
  /** Every parcel's tracking number, once its label is bought. */
  trackingNumbers: string[];
  /** The distinct states of the order's parcels (the shipments rows' status). */
  shipmentStatuses: string[];
  /** The distinct states of the order's refunds (the refunds rows' status: awaiting_approval, succeeded, failed, expired, ...). */
  refundStatuses: string[];
  /** The order's parcels, oldest first. */
  shipments: OrderSearchShipment[];
  shipToName: string | null;
  shipToCountry: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrderSearchShipment {
  shipmentId: string;
  warehouseCode: string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
}

/** Orders as support searches them; versioned by search_version so a late write cannot roll one back. */
export async function loadOrderSearchDocuments(db: Kysely<Database>, orderIds: string[]): Promise<VersionedDocument<OrderSearchDocument>[]> {
  if (orderIds.length === 0) return [];
  const [orders, items, shipments, refunds] = await Promise.all([
    db.selectFrom('orders').selectAll().where('id', 'in', orderIds).execute(),
    db.selectFrom('order_items').select(['order_id', 'sku']).where('order_id', 'in', orderIds).orderBy('sku').execute(),
    db
      .selectFrom('shipments as s')
      .innerJoin('warehouses as w', 'w.id', 's.warehouse_id')
      .select(['s.order_id', 's.id', 'w.code', 's.status', 's.carrier', 's.tracking_number'])
      .where('s.order_id', 'in', orderIds)
      .orderBy('s.created_at')
      .orderBy('s.id')
      .execute(),
    db.selectFrom('refunds').select(['order_id', 'status']).where('order_id', 'in', orderIds).execute(),
  ]);
  return orders.map((order) => {
    const parcels: OrderSearchShipment[] = shipments
      .filter((s) => s.order_id === order.id)
      .map((s) => ({ shipmentId: s.id, warehouseCode: s.code, status: s.status, carrier: s.carrier, trackingNumber: s.tracking_number }));
    return {
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
        trackingNumbers: parcels.flatMap((p) => (p.trackingNumber === null ? [] : [p.trackingNumber])),
        shipmentStatuses: [...new Set(parcels.map((p) => p.status))],
        refundStatuses: [...new Set(refunds.filter((r) => r.order_id === order.id).map((r) => r.status))],
        shipments: parcels,
        shipToName: order.shipping_address.name ?? null,
        shipToCountry: order.shipping_address.country ?? null,
        createdAt: order.created_at.toISOString(),
        updatedAt: order.updated_at.toISOString(),
      },
    };
  });
}

export const markOrdersIndexed = (db: Kysely<Database>, indexed: { id: string; version: number }[]): Promise<void> => markIndexed(db, 'orders', indexed);

/** Orders changed since they were last indexed (after an Elasticsearch outage, say), oldest change first. */
export const findStaleOrderIds = (db: Kysely<Database>, limit: number): Promise<string[]> => findStaleIds(db, 'orders', limit);
