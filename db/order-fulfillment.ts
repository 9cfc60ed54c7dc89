import type { Kysely, Transaction } from 'kysely';
import type { Database, PaymentLedgerRow, ShipmentStatus } from './database';

type Db = Kysely<Database> | Transaction<Database>;

export interface OrderParcelRecord {
  shipmentId: string;
  warehouseCode: string;
  status: ShipmentStatus;
  carrier: string | null;
  service: string | null;
  trackingNumber: string | null;
  /** The carrier's public tracking page for the label it holds. */
  trackingUrl: string | null;
  /** Whether a label was bought, and a voided label's refund at the carrier. */
  labelBought: boolean;
  refundStatus: 'submitted' | 'refunded' | 'rejected' | null;
  lines: Array<{ sku: string; quantity: number }>;
  createdAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  /** The carrier's events stored for the parcel, in carrier time. */
  events: Array<{ status: string; description: string | null; location: string | null; occurredAt: Date }>;
}

/**
 * An order's parcels as the database holds them: each shipments row with its warehouse, its
 * items and the carrier events stored for it, oldest parcel first. Three queries, whatever the
 * number of parcels.
 */
export async function findOrderParcels(db: Db, orderId: string): Promise<OrderParcelRecord[]> {
  const rows = await db
    .selectFrom('shipments as s')
    .innerJoin('warehouses as w', 'w.id', 's.warehouse_id')
    .select(['s.id', 'w.code', 's.status', 's.carrier', 's.service', 's.tracking_number', 's.label_url', 's.tracking_url', 's.refund_status', 's.created_at', 's.shipped_at', 's.delivered_at'])
    .where('s.order_id', '=', orderId)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [items, events] = await Promise.all([
    db
      .selectFrom('shipment_items as si')
      .innerJoin('order_items as oi', 'oi.id', 'si.order_item_id')
      .select(['si.shipment_id', 'oi.sku', 'si.quantity'])
      .where('si.shipment_id', 'in', ids)
      .orderBy('oi.sku')
      .execute(),
    db
      .selectFrom('shipment_events')
      .select(['shipment_id', 'status', 'description', 'location', 'occurred_at'])
      .where('shipment_id', 'in', ids)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute(),
  ]);
  return rows.map((row) => ({
    shipmentId: row.id,
    warehouseCode: row.code,
    status: row.status,
    carrier: row.carrier,
    service: row.service,
    trackingNumber: row.tracking_number,
    trackingUrl: row.tracking_url,
    labelBought: row.tracking_number !== null || row.label_url !== null,
    refundStatus: row.refund_status,
    lines: items.filter((item) => item.shipment_id === row.id).map((item) => ({ sku: item.sku, quantity: item.quantity })),
    createdAt: row.created_at,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    events: events
      .filter((event) => event.shipment_id === row.id)
      .map((event) => ({ status: event.status, description: event.description, location: event.location, occurredAt: event.occurred_at })),
  }));
}

/** Every movement of an order's money, oldest first: the ledger is the source of truth. */
export async function findOrderLedger(db: Db, orderId: string): Promise<PaymentLedgerRow[]> {
  return db.selectFrom('payment_ledger').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}
