import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findShipmentEvents } from '../../db/shipments';
import { trackingStatuses, type TrackingEvent, type TrackingStatus } from '../../domain/tracking';

/** Our reference for a parcel at the carrier: derived from the shipment's id, so every attempt uses the same. */
export const carrierReferenceFor = (shipmentId: string): string => `shipment-${shipmentId}`;

const isTrackingStatus = (status: string): status is TrackingStatus => (trackingStatuses as readonly string[]).includes(status);

/** The carrier events stored for a parcel. */
export function createParcelRecords(db: Kysely<Database>) {
  return {
    /** Carrier events stored for the parcel (by the webhook) before or while its workflow was not listening. */
    async storedTrackingEvents({ shipmentId }: { shipmentId: string }): Promise<TrackingEvent[]> {
      const rows = await findShipmentEvents(db, shipmentId);
      return rows.flatMap((row) => (isTrackingStatus(row.status) ? [{ eventId: row.carrier_event_id, status: row.status, occurredAt: new Date(row.occurred_at).getTime() }] : []));
    },
  };
}
