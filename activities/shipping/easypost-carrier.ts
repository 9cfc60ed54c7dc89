import { ApplicationFailure } from '@temporalio/common';
import type { Address } from '../../domain/checkout';
import { money } from '../../domain/money';
import type { CarrierRate } from '../../domain/rate-choice';
import type { EasyPost } from '../../platform/create-easypost';
import type { Label, RefundStatus, ShipmentRequest, ShippingCarrier, Tracking, TrackingStatus } from './carrier';

const GRAMS_PER_OUNCE = 28.349523125;
const CM_PER_INCH = 2.54;
const tenths = (value: number) => Math.max(0.1, Math.round(value * 10) / 10);

interface EasyPostFailure {
  statusCode?: number;
  code?: string;
  message: string;
}

const failureOf = (error: unknown): EasyPostFailure | undefined =>
  error instanceof Error && typeof (error as EasyPostFailure).statusCode === 'number' ? (error as EasyPostFailure) : undefined;

/** A 4xx other than a lookup's 404 is EasyPost refusing the request: trying it again would not change its mind. */
function refused(error: unknown): never {
  const failure = failureOf(error);
  if (failure?.statusCode && failure.statusCode >= 400 && failure.statusCode < 500 && failure.statusCode !== 429) {
    throw ApplicationFailure.create({ type: 'CarrierRequestRefused', message: `EasyPost refused the request (${failure.code}): ${failure.message}`, nonRetryable: true, cause: error as Error });
  }
  throw error;
}

const toEasyPost = (address: Address) => ({
  name: address.name,
  street1: address.line1,
  street2: address.line2,
  city: address.city,
  state: address.region,
  zip: address.postalCode,
  country: address.country,
  phone: address.phone,
});

/** Cents from EasyPost's decimal strings, without going through a float. */
function cents(rate: string): number {
  const [whole = '0', fraction = ''] = rate.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

interface EasyPostShipment {
  id: string;
  rates: Array<{ id: string; carrier: string; service: string; rate: string; currency: string; delivery_days: number | null; est_delivery_days?: number | null }>;
  selected_rate: { carrier: string; service: string; rate: string; currency: string } | null;
  postage_label: { label_url: string } | null;
  tracking_code: string | null;
  tracker: { id: string; public_url?: string | null } | null;
  scan_form?: { id: string } | null;
}

/**
 * The ShippingCarrier on EasyPost, through its official client (pointed at the carrier sandbox
 * locally: only CARRIER_API_BASE and the key differ). EasyPost has no idempotency keys, so a label
 * is bought once by our own means: the shipment carries our reference and is looked up by it, its
 * id is handed back to be kept before buying, and "postage exists" means an earlier attempt bought it.
 */
export function createEasyPostCarrier(easypost: EasyPost): ShippingCarrier {
  const shipmentParams = ({ from, to, parcel, isReturn }: ShipmentRequest) => ({
    ...(isReturn && { is_return: true }),
    from_address: toEasyPost(from),
    to_address: toEasyPost(to),
    parcel: {
      weight: tenths(parcel.weightGrams / GRAMS_PER_OUNCE),
      ...(parcel.dimensionsCm && {
        length: tenths(parcel.dimensionsCm.length / CM_PER_INCH),
        width: tenths(parcel.dimensionsCm.width / CM_PER_INCH),
        height: tenths(parcel.dimensionsCm.height / CM_PER_INCH),
      }),
    },
  });

  const retrieve = async (idOrReference: string): Promise<EasyPostShipment | undefined> => {
    try {
      return (await easypost.Shipment.retrieve(encodeURIComponent(idOrReference))) as unknown as EasyPostShipment;
    } catch (error) {
      if (failureOf(error)?.statusCode === 404) return undefined;
      return refused(error);
    }
  };

  const labelOf = (shipment: EasyPostShipment): Label => {
    const rate = shipment.selected_rate;
    if (!rate || !shipment.postage_label || !shipment.tracking_code) throw new Error(`EasyPost shipment ${shipment.id} has no label yet`);
    return {
      carrierShipmentId: shipment.id,
      carrier: rate.carrier,
      service: rate.service,
      trackingCode: shipment.tracking_code,
      labelUrl: shipment.postage_label.label_url,
      cost: money(cents(rate.rate), rate.currency),
      trackerId: shipment.tracker?.id ?? null,
      trackingUrl: shipment.tracker?.public_url ?? null,
    };
  };

  return {
    name: 'easypost',

    async verifyAddress(address) {
      try {
        const verified = await easypost.Address.createAndVerify(toEasyPost(address));
        return {
          kind: 'deliverable',
          address: {
            ...address,
            line1: verified.street1 || address.line1,
            line2: verified.street2 || address.line2,
            city: verified.city || address.city,
            region: verified.state || address.region,
            postalCode: verified.zip || address.postalCode,
          },
        };
      } catch (error) {
        const failure = failureOf(error);
        if (failure?.statusCode === 422 && failure.code === 'ADDRESS.VERIFY.FAILURE') return { kind: 'undeliverable', reason: failure.message };
        return refused(error);
      }
    },

    async rateShop(request) {
      // Rating is creating a shipment at EasyPost; one never bought costs nothing.
      const shipment = (await easypost.Shipment.create(shipmentParams(request)).catch(refused)) as unknown as EasyPostShipment;
      return shipment.rates.map(
        (rate): CarrierRate => ({ carrier: rate.carrier, service: rate.service, amount: money(cents(rate.rate), rate.currency), days: rate.delivery_days ?? rate.est_delivery_days ?? null }),
      );
    },

    async buyLabel({ reference, shipment: request, choice, carrierShipmentId, rememberShipment }) {
      let shipment = (carrierShipmentId && (await retrieve(carrierShipmentId))) || (await retrieve(reference));
      shipment ??= (await easypost.Shipment.create({ ...shipmentParams(request), reference }).catch(refused)) as unknown as EasyPostShipment;
      if (shipment.id !== carrierShipmentId) await rememberShipment(shipment.id);
      if (shipment.postage_label) return labelOf(shipment);

      const rate = shipment.rates.find((candidate) => candidate.carrier === choice.carrier && candidate.service === choice.service);
      if (!rate) throw ApplicationFailure.create({ type: 'RateUnavailable', message: `${choice.carrier} ${choice.service} does not rate shipment ${reference}`, nonRetryable: true });
      try {
        return labelOf((await easypost.Shipment.buy(shipment.id, rate.id)) as unknown as EasyPostShipment);
      } catch (error) {
        // An earlier attempt bought it and its answer never reached us: the label is there to fetch.
        if (failureOf(error)?.code !== 'SHIPMENT.POSTAGE.EXISTS') return refused(error);
        const bought = await retrieve(shipment.id);
        if (!bought) throw new Error(`EasyPost shipment ${shipment.id} vanished after "postage exists"`);
        return labelOf(bought);
      }
    },

    async voidLabel(carrierShipmentId) {
      const refunded = await easypost.Shipment.refund(carrierShipmentId).catch(refused);
      return refunded.refund_status as RefundStatus;
    },

    async handOver(carrierShipmentId) {
      try {
        await easypost.ScanForm.create({ shipments: [{ id: carrierShipmentId }] });
      } catch (error) {
        // Only a failure needs the shipment looked at: an earlier attempt put it on a scan form and
        // its answer never reached us, or the carrier does not know it.
        const shipment = await retrieve(carrierShipmentId);
        if (!shipment) throw ApplicationFailure.nonRetryable(`EasyPost has no shipment ${carrierShipmentId}`, 'UnknownCarrierShipment');
        if (shipment.scan_form) return;
        refused(error);
      }
    },

    async track(trackingCode, carrier): Promise<Tracking> {
      // EasyPost answers the tracker it already has for a tracking code.
      const tracker = await easypost.Tracker.create({ tracking_code: trackingCode, carrier }).catch(refused);
      return {
        trackerId: tracker.id,
        trackingCode: tracker.tracking_code,
        status: tracker.status as TrackingStatus,
        detail: tracker.status_detail ?? null,
        events: (tracker.tracking_details ?? []).map((detail) => ({ status: detail.status, message: detail.message ?? null, at: String(detail.datetime) })),
      };
    },
  };
}
