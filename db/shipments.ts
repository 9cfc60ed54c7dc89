import type { Kysely, Transaction } from 'kysely';
import type { Database, ShipmentRow, ShipmentStatus } from './database';

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
      status: eb.case().when('status', '=', 'pending').then(eb.val<ShipmentStatus>('label_purchased')).else(eb.ref('status')).end(),
    }))
    .where('id', '=', id)
    .execute();
}

/** A voided label: the carrier's refund as it stands, and the shipment cancelled once the label is refunded. */
export async function recordRefund(db: Db, id: string, refundStatus: 'submitted' | 'refunded' | 'rejected'): Promise<void> {
  await db
    .updateTable('shipments')
    .set((eb) => ({
      refund_status: refundStatus,
      status: refundStatus === 'refunded' ? 'cancelled' : eb.ref('status'),
    }))
    .where('id', '=', id)
    .execute();
}

export async function recordCarrierTracker(db: Db, id: string, trackerId: string): Promise<void> {
  await db.updateTable('shipments').set({ carrier_tracker_id: trackerId }).where('id', '=', id).execute();
}
