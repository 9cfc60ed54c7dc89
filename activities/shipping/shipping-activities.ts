import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { businessFailure } from '../../domain/business-failure';
import type { Address } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import { chooseRate, promisedDays, type CarrierRate } from '../../domain/rate-choice';
import type { ShippingSpeed } from '../../domain/shipping-estimate';
import type { Database, ShipmentRow } from '../../db/database';
import { assignCarrierReference, chooseShipmentRate, findShipment, findWarehouse, recordCarrierTracker, recordLabel, recordRefund, recordTrackingStatus, rememberCarrierShipment } from '../../db/shipments';
import { carrierReferenceFor, createParcelRecords } from './parcel-records';
import type { Carrier, Label, RateRequest, RefundStatus, ShipmentRequest, ShippingCarrier, Tracking } from './carrier';

export interface ShippingActivityDeps {
  db: Kysely<Database>;
  /** Checkout's quotes: the rate card. */
  carrier: Carrier;
  /** Labels and tracking: EasyPost (or the carrier sandbox), when configured. */
  shippingCarrier: ShippingCarrier;
}

export interface ChosenRate extends CarrierRate {
  shipmentId: string;
}

/** A parcel as the workflow knows it: where it goes and its size. Where it leaves from is its warehouse's address. */
export type ParcelToShip = Omit<ShipmentRequest, 'from'>;

export { carrierReferenceFor };

export function createShippingActivities({ db, carrier, shippingCarrier }: ShippingActivityDeps) {
  const shipmentRow = async (shipmentId: string): Promise<ShipmentRow> => {
    const row = await findShipment(db, shipmentId);
    if (!row) throw ApplicationFailure.nonRetryable(`no shipment ${shipmentId}`, 'UnknownShipment');
    return row;
  };
  const shipmentRequest = async (row: ShipmentRow, { to, parcel }: ParcelToShip): Promise<ShipmentRequest> => {
    const warehouse = await findWarehouse(db, row.warehouse_id);
    if (!warehouse) throw ApplicationFailure.nonRetryable(`no warehouse ${row.warehouse_id}`, 'UnknownWarehouse');
    return { from: warehouseAddress(warehouse), to, parcel };
  };

  return {
    ...createParcelRecords(db),

    /** A rate for the order's parcel; an address the carrier refuses is AddressUndeliverable. Reads only: safe to retry. */
    async quoteShipping(request: RateRequest): Promise<Money> {
      const quote = await carrier.quote(request);
      if (quote.kind === 'undeliverable') throw businessFailure('AddressUndeliverable', 'we cannot deliver to this address', { carrierMessage: quote.reason });
      return quote.amount;
    },

    /** The address as the carrier can deliver to it (normalised), or AddressUndeliverable. Changes nothing: safe to retry. */
    async verifyShippingAddress(address: Address): Promise<Address> {
      const verification = await shippingCarrier.verifyAddress(address);
      if (verification.kind === 'undeliverable') throw businessFailure('AddressUndeliverable', 'the carrier cannot deliver to this address', { carrierMessage: verification.reason });
      return verification.address;
    },

    /**
     * Rate-shops the parcel and keeps the cheapest service that meets the promised speed on the
     * shipment. The first choice kept is the answer to every retry, so a label is never bought
     * for a service other than the one recorded.
     */
    async chooseShippingRate({ shipmentId, speed, currency, ...parcel }: { shipmentId: string; speed: ShippingSpeed; currency: string } & ParcelToShip): Promise<ChosenRate> {
      const kept = await shipmentRow(shipmentId);
      if (kept.carrier && kept.service && kept.quoted_amount !== null && kept.quoted_currency) return chosen(kept);
      const request = await shipmentRequest(kept, parcel);
      const rates = await shippingCarrier.rateShop(request);
      const best = chooseRate(rates, promisedDays(speed, request.to.country), currency);
      if (!best) {
        throw ApplicationFailure.create({ type: 'NoRateForSpeed', message: `no service reaches ${request.to.country} within the ${speed} promise`, nonRetryable: true, details: [{ rates }] });
      }
      const row = await chooseShipmentRate(db, shipmentId, { carrier: best.carrier, service: best.service, quotedAmount: best.amount.amount, quotedCurrency: best.amount.currency });
      return { ...chosen(row ?? kept), days: row?.service === best.service && row.carrier === best.carrier ? best.days : null };
    },

    /**
     * Buys the label for the chosen rate, once per parcel however often it runs: the carrier's
     * shipment id is kept before buying, the shipment is found again by our reference, and a
     * label bought by an attempt whose answer was lost is fetched instead of bought twice.
     */
    async buyShippingLabel({ shipmentId, ...parcel }: { shipmentId: string } & ParcelToShip): Promise<Label> {
      const row = await shipmentRow(shipmentId);
      if (row.tracking_number && row.label_url && row.carrier && row.service && row.cost_amount !== null && row.cost_currency && row.carrier_shipment_id) {
        return {
          carrierShipmentId: row.carrier_shipment_id,
          carrier: row.carrier,
          service: row.service,
          trackingCode: row.tracking_number,
          labelUrl: row.label_url,
          cost: { amount: row.cost_amount, currency: row.cost_currency },
          trackerId: row.carrier_tracker_id,
          trackingUrl: row.tracking_url,
        };
      }
      if (!row.carrier || !row.service) throw ApplicationFailure.nonRetryable(`shipment ${shipmentId} has no chosen rate: choose one first`, 'NoRateChosen');
      const reference = row.carrier_reference ?? carrierReferenceFor(shipmentId);
      await assignCarrierReference(db, shipmentId, reference);
      const label = await shippingCarrier.buyLabel({
        reference,
        shipment: await shipmentRequest(row, parcel),
        choice: { carrier: row.carrier, service: row.service },
        carrierShipmentId: row.carrier_shipment_id,
        rememberShipment: (carrierShipmentId) => rememberCarrierShipment(db, shipmentId, carrierShipmentId),
      });
      await recordLabel(db, shipmentId, {
        carrier: label.carrier,
        service: label.service,
        trackingNumber: label.trackingCode,
        labelUrl: label.labelUrl,
        costAmount: label.cost.amount,
        costCurrency: label.cost.currency,
        trackerId: label.trackerId,
        trackingUrl: label.trackingUrl,
      });
      return label;
    },

    /**
     * Voids a label of the parcel at the carrier (EasyPost's refund): the one the workflow names by
     * its carrier shipment id, else the row's; nothing to do without one. Asking again answers the
     * refund as it stands, so a retry never voids twice, and naming the label means a late attempt
     * can never void a label bought since.
     */
    async voidShippingLabel({ shipmentId, carrierShipmentId }: { shipmentId: string; carrierShipmentId?: string }): Promise<RefundStatus | null> {
      const row = await shipmentRow(shipmentId);
      const target = carrierShipmentId ?? row.carrier_shipment_id;
      const onRow = target === row.carrier_shipment_id;
      if (!target || (onRow && !row.tracking_number)) return null;
      if (onRow && (row.refund_status === 'refunded' || row.refund_status === 'rejected')) return row.refund_status;
      const status = await shippingCarrier.voidLabel(target);
      await recordRefund(db, shipmentId, status, target);
      return status;
    },

    /** The handover at the carrier: the parcel goes on its manifest (a scan form), and its journey starts. Once per parcel. */
    async handOverToCarrier({ shipmentId }: { shipmentId: string }): Promise<void> {
      const row = await shipmentRow(shipmentId);
      if (!row.carrier_shipment_id || !row.tracking_number) throw ApplicationFailure.nonRetryable(`shipment ${shipmentId} has no label to hand over`, 'NoLabel');
      await shippingCarrier.handOver(row.carrier_shipment_id);
    },

    /**
     * Where the parcel is, as the carrier's tracker says; the row moves forward to it (webhooks
     * move it for the events they bring) and keeps the tracker's id. Safe to retry.
     */
    async fetchShipmentTracking({ shipmentId }: { shipmentId: string }): Promise<Tracking> {
      const row = await shipmentRow(shipmentId);
      if (!row.tracking_number || !row.carrier) throw ApplicationFailure.nonRetryable(`shipment ${shipmentId} has no label to track`, 'NoLabel');
      const tracking = await shippingCarrier.track(row.tracking_number, row.carrier);
      if (row.carrier_tracker_id !== tracking.trackerId) await recordCarrierTracker(db, shipmentId, tracking.trackerId);
      await recordTrackingStatus(db, shipmentId, tracking.status);
      return tracking;
    },
  };
}

/** The warehouse's address as carriers take it; the warehouse's name and region stand in for what the address leaves out. */
export function warehouseAddress(warehouse: NonNullable<Awaited<ReturnType<typeof findWarehouse>>>): Address {
  const { address } = warehouse;
  return {
    name: address.name ?? warehouse.name,
    line1: address.line1 ?? '',
    ...(address.line2 && { line2: address.line2 }),
    city: address.city ?? '',
    region: address.region ?? warehouse.region,
    postalCode: address.postal_code ?? '',
    country: address.country ?? warehouse.country,
  };
}

function chosen(row: ShipmentRow): ChosenRate {
  return { shipmentId: row.id, carrier: row.carrier ?? '', service: row.service ?? '', amount: { amount: row.quoted_amount ?? 0, currency: row.quoted_currency ?? '' }, days: null };
}

export type ShippingActivities = ReturnType<typeof createShippingActivities>;
