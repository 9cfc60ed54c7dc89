import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { cancelShipment, findShipmentEvents, readdressShipment } from '../../db/shipments';
import type { Address } from '../../domain/checkout';
import { toPostalAddress } from '../../domain/postal-address';
import { trackingStatuses, type TrackingEvent, type TrackingStatus } from '../../domain/tracking';

/**
 * Our reference for a parcel at the carrier: derived from the shipment's id, so every attempt uses
 * the same. A label voided for a new address leaves its reference behind (the carrier would find
 * that shipment, label and all): the parcel's n-th label round is `shipment-<id>-<n>`.
 */
export const carrierReferenceFor = (shipmentId: string, round = 1): string => (round <= 1 ? `shipment-${shipmentId}` : `shipment-${shipmentId}-${round}`);

const isTrackingStatus = (status: string): status is TrackingStatus => (trackingStatuses as readonly string[]).includes(status);

/** The parcel's own row: a new address, a cancellation, and the carrier events stored for it. */
export function createParcelRecords(db: Kysely<Database>) {
  return {
    /**
     * The parcel takes a new address, for its `round`-th label (the round goes up each time a label
     * is voided, and names the carrier reference the next label is bought under). Once.
     */
    async readdressShipment({ shipmentId, shipTo, round }: { shipmentId: string; shipTo: Address; round: number }): Promise<void> {
      await readdressShipment(db, shipmentId, { shipTo: toPostalAddress(shipTo), carrierReference: carrierReferenceFor(shipmentId, round) });
    },

    /** The parcel will not ship: its row is cancelled (unless it is already on its way). Safe to repeat. */
    async cancelShipment({ shipmentId }: { shipmentId: string }): Promise<void> {
      await cancelShipment(db, shipmentId);
    },

    /** Carrier events stored for the parcel (by the webhook) before or while its workflow was not listening. */
    async storedTrackingEvents({ shipmentId }: { shipmentId: string }): Promise<TrackingEvent[]> {
      const rows = await findShipmentEvents(db, shipmentId);
      return rows.flatMap((row) => (isTrackingStatus(row.status) ? [{ eventId: row.carrier_event_id, status: row.status, occurredAt: new Date(row.occurred_at).getTime() }] : []));
    },
  };
}
