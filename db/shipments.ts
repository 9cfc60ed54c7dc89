import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, JsonObject, PostalAddress, ShipmentRow, ShipmentStatus } from './database';

type Db = Kysely<Database> | Transaction<Database>;

export async function findShipment(db: Db, id: string): Promise<ShipmentRow | undefined> {
  return db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface QuotedChoice {
  carrier: string;
  service: string;
  quotedAmount: number;
  quotedCurrency: string;
}

/** Keeps the first choice made for a parcel without a label: a retried choice never replaces it. */
export async function chooseShipmentRate(db: Db, id: string, choice: QuotedChoice): Promise<ShipmentRow | undefined> {
  await db
    .updateTable('shipments')
    .set({ carrier: choice.carrier, service: choice.service, quoted_amount: choice.quotedAmount, quoted_currency: choice.quotedCurrency })
    .where('id', '=', id)
    .where('carrier', 'is', null)
    .where('tracking_number', 'is', null)
    .execute();
  return findShipment(db, id);
}

/** Our reference for the parcel at the carrier, set once. */
export async function assignCarrierReference(db: Db, id: string, reference: string): Promise<void> {
  await db.updateTable('shipments').set({ carrier_reference: reference }).where('id', '=', id).where('carrier_reference', 'is', null).execute();
}

export async function rememberCarrierShipment(db: Db, id: string, carrierShipmentId: string): Promise<void> {
  await db.updateTable('shipments').set({ carrier_shipment_id: carrierShipmentId }).where('id', '=', id).execute();
}

export interface BoughtLabel {
  carrier: string;
  service: string;
  trackingNumber: string;
  labelUrl: string;
  costAmount: number;
  costCurrency: string;
  trackerId: string | null;
  trackingUrl: string | null;
}

/** The label as bought; a pending shipment becomes label_purchased. Writing it again changes nothing. */
export async function recordLabel(db: Db, id: string, label: BoughtLabel): Promise<void> {
  await db
    .updateTable('shipments')
    .set((eb) => ({
      carrier: label.carrier,
      service: label.service,
      tracking_number: label.trackingNumber,
      label_url: label.labelUrl,
      cost_amount: label.costAmount,
      cost_currency: label.costCurrency,
      carrier_tracker_id: label.trackerId,
      tracking_url: label.trackingUrl,
      status: eb.case().when('status', '=', 'pending').then(eb.val<ShipmentStatus>('label_purchased')).else(eb.ref('status')).end(),
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * A voided label: the carrier's refund as it stands, and the shipment cancelled once the label is
 * refunded. Only while the row still holds that label (`carrierShipmentId`): a label replaced
 * since (a new address) keeps the new one's state.
 */
export async function recordRefund(db: Db, id: string, refundStatus: 'submitted' | 'refunded' | 'rejected', carrierShipmentId?: string): Promise<void> {
  let update = db
    .updateTable('shipments')
    .set((eb) => ({
      refund_status: refundStatus,
      status: refundStatus === 'refunded' ? 'cancelled' : eb.ref('status'),
    }))
    .where('id', '=', id);
  if (carrierShipmentId) update = update.where('carrier_shipment_id', '=', carrierShipmentId);
  await update.execute();
}

/**
 * The parcel takes a new address. Under a new carrier reference (its label was voided), everything
 * the old one bought goes with it: the carrier's shipment, the label, the rate chosen for the old
 * address, the refund; the row is pending again. A retry, or an attempt that runs late, changes
 * nothing once the row has that reference and a label.
 */
export async function readdressShipment(db: Db, id: string, change: { shipTo: PostalAddress; carrierReference: string }): Promise<void> {
  await db
    .updateTable('shipments')
    .set((eb) => ({
      ship_to: change.shipTo,
      carrier_reference: change.carrierReference,
      carrier: null,
      service: null,
      quoted_amount: null,
      quoted_currency: null,
      carrier_shipment_id: eb.case().when('carrier_reference', '=', change.carrierReference).then(eb.ref('carrier_shipment_id')).else(null).end(),
      tracking_number: null,
      label_url: null,
      tracking_url: null,
      cost_amount: null,
      cost_currency: null,
      carrier_tracker_id: null,
      refund_status: null,
      status: 'pending',
    }))
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'label_purchased'])
    .where((eb) => eb.or([eb('carrier_reference', 'is distinct from', change.carrierReference), eb('tracking_number', 'is', null)]))
    .execute();
}

/** The parcel will not ship (its order was cancelled): cancelled, unless it is already on its way. */
export async function cancelShipment(db: Db, id: string): Promise<void> {
  await db.updateTable('shipments').set({ status: 'cancelled' }).where('id', '=', id).where('status', 'in', ['pending', 'label_purchased']).execute();
}

export async function recordCarrierTracker(db: Db, id: string, trackerId: string): Promise<void> {
  await db.updateTable('shipments').set({ carrier_tracker_id: trackerId }).where('id', '=', id).execute();
}

export interface NewShipment {
  id: string;
  warehouseId: string;
  shipTo: PostalAddress;
  lines: Array<{ sku: string; quantity: number }>;
  /** Its share of the shipping the customer paid. */
  charged: { amount: number; currency: string } | null;
}

/**
 * The parcels an order ships as, each once: a retry finds the rows and changes nothing. Each
 * line is matched to the order's item for its SKU, so a parcel can only carry what was ordered.
 * Runs inside the transaction that confirms the order: no confirmed order without its parcels.
 */
export async function recordShipments(trx: Transaction<Database>, orderId: string, shipments: NewShipment[]): Promise<void> {
  if (shipments.length === 0) return;
  const inserted = await trx
    .insertInto('shipments')
    .values(shipments.map((s) => ({ id: s.id, order_id: orderId, warehouse_id: s.warehouseId, ship_to: s.shipTo, charged_amount: s.charged?.amount ?? null, charged_currency: s.charged?.currency ?? null })))
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  const fresh = shipments.filter((s) => inserted.some((row) => row.id === s.id));
  if (fresh.length === 0) return;
  const items = await trx.selectFrom('order_items').select(['id', 'sku']).where('order_id', '=', orderId).execute();
  const itemOf = new Map(items.map((item) => [item.sku, item.id]));
  const missingSkus = fresh.flatMap((s) => s.lines.map((line) => line.sku)).filter((sku) => !itemOf.has(sku));
  if (missingSkus.length > 0) throw new ParcelNotInOrder(missingSkus);
  await trx
    .insertInto('shipment_items')
    .values(fresh.flatMap((s) => s.lines.map((line) => ({ shipment_id: s.id, order_item_id: itemOf.get(line.sku)!, quantity: line.quantity }))))
    .execute();
}

export class ParcelNotInOrder extends Error {
  constructor(readonly skus: string[]) {
    super(`the order has no item for ${skus.join(', ')}`);
  }
}

export async function findWarehouse(db: Db, id: string) {
  return db.selectFrom('warehouses').select(['id', 'code', 'name', 'country', 'region', 'address']).where('id', '=', id).executeTakeFirst();
}

const rowStatusOf: Partial<Record<string, ShipmentStatus>> = {
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  failure: 'exception',
  return_to_sender: 'returned',
};
const rowStatusRank: Record<ShipmentStatus, number> = { pending: 0, label_purchased: 1, in_transit: 2, out_for_delivery: 3, delivered: 4, exception: 4, returned: 4, cancelled: 4 };

/** The row follows the parcel's tracking forward only, as the workflow does: a late write never moves it back. */
export async function recordTrackingStatus(db: Db, id: string, trackingStatus: string): Promise<void> {
  await moveForward(db, id, trackingStatus)?.execute();
}

/** The update that moves the row forward to a tracking status; none for a status the row does not follow. */
function moveForward(db: Db, id: string, trackingStatus: string) {
  const status = rowStatusOf[trackingStatus];
  if (!status) return undefined;
  const behind = (Object.keys(rowStatusRank) as ShipmentStatus[]).filter((s) => rowStatusRank[s] < rowStatusRank[status]);
  return db
    .updateTable('shipments')
    .set((eb) => ({ status, delivered_at: status === 'delivered' ? sql<Date>`now()` : eb.ref('delivered_at') }))
    .where('id', '=', id)
    .where('status', 'in', behind);
}

export interface StoredShipmentEvent {
  shipmentId: string;
  carrier: string;
  carrierEventId: string;
  status: string;
  description: string | null;
  occurredAt: Date;
  payload: JsonObject;
}

/**
 * Each carrier event once, and the parcel's row moved forward by it in the same statement (one
 * round trip, atomic as a transaction): a redelivery finds the first and is reported as a
 * duplicate, and a late event never moves the row back.
 */
export async function recordShipmentEvent(db: Db, event: StoredShipmentEvent): Promise<{ duplicate: boolean }> {
  const stored = db
    .insertInto('shipment_events')
    .values({
      shipment_id: event.shipmentId,
      carrier: event.carrier,
      carrier_event_id: event.carrierEventId,
      status: event.status,
      description: event.description,
      occurred_at: event.occurredAt,
      payload: event.payload,
    })
    .onConflict((oc) => oc.columns(['carrier', 'carrier_event_id']).doNothing())
    .returning('id');
  const moved = moveForward(db, event.shipmentId, event.status);
  const inserted = moved
    ? await db
        .with('stored', () => stored)
        // Only a new event moves the row: the update sees the insert's RETURNING, not its row.
        .with('moved', () => moved.where(sql<boolean>`exists (select 1 from stored)`).returning('shipments.id'))
        .selectFrom('stored')
        .select('stored.id')
        .executeTakeFirst()
    : await stored.executeTakeFirst();
  return { duplicate: !inserted };
}

/** The shipment a carrier event is about: by its tracking code, else by the carrier's shipment id or our reference. */
export async function findShipmentForCarrierEvent(db: Db, keys: { trackingCode: string | null; carrierShipmentId: string | null; reference: string | null }): Promise<ShipmentRow | undefined> {
  const { trackingCode, carrierShipmentId, reference } = keys;
  if (!trackingCode && !carrierShipmentId && !reference) return undefined;
  return db
    .selectFrom('shipments')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(trackingCode ? [eb('tracking_number', '=', trackingCode)] : []),
        ...(carrierShipmentId ? [eb('carrier_shipment_id', '=', carrierShipmentId)] : []),
        ...(reference ? [eb('carrier_reference', '=', reference)] : []),
      ]),
    )
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

export async function findShipmentEvents(db: Db, shipmentId: string) {
  return db
    .selectFrom('shipment_events')
    .select(['carrier_event_id', 'status', 'occurred_at'])
    .where('shipment_id', '=', shipmentId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}
