import type { Address } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import type { CarrierRate } from '../../domain/rate-choice';
import type { ShipmentSize, ShippingSpeed } from '../../domain/shipping-estimate';

/**
 * The Carrier port. Checkout asks `Carrier` for a rate (the rate card answers, locally); shipping
 * asks a `ShippingCarrier` to verify addresses, rate-shop a parcel, buy, void and track labels.
 */
export interface RateRequest {
  destination: Pick<Address, 'country' | 'region' | 'postalCode'>;
  speed: ShippingSpeed;
  currency: string;
  size: ShipmentSize;
}

export type RateQuote =
  | { kind: 'quoted'; carrier: string; service: string; amount: Money; days: { min: number; max: number } }
  /** The carrier will not take this parcel to this address: a business outcome, not an outage. */
  | { kind: 'undeliverable'; reason: string };

export interface Carrier {
  readonly name: string;
  quote(request: RateRequest): Promise<RateQuote>;
}

export interface Parcel {
  weightGrams: number;
  dimensionsCm?: { length: number; width: number; height: number };
}

/** A parcel from a warehouse to an address. */
export interface ShipmentRequest {
  from: Address;
  to: Address;
  parcel: Parcel;
  /** A return label: the carrier bills and routes it back from `to` to `from` (EasyPost's `is_return`). */
  isReturn?: boolean;
}

export type AddressVerification =
  | { kind: 'deliverable'; address: Address }
  /** The carrier knows no such place: a business outcome, not an outage. */
  | { kind: 'undeliverable'; reason: string };

export interface RateChoice {
  carrier: string;
  service: string;
}

export interface BuyLabelRequest {
  /** Ours, unique per parcel; the carrier keeps it on its shipment, and we find the shipment by it. */
  reference: string;
  shipment: ShipmentRequest;
  choice: RateChoice;
  /** The carrier's shipment for this reference, when an earlier attempt got to create it. */
  carrierShipmentId: string | null;
  /** Called with the carrier's shipment id before the label is bought, for the caller to keep. */
  rememberShipment(carrierShipmentId: string): Promise<void>;
}

export interface Label {
  carrierShipmentId: string;
  carrier: string;
  service: string;
  trackingCode: string;
  labelUrl: string;
  cost: Money;
  trackerId: string | null;
  /** The carrier's public tracking page for the customer (EasyPost's tracker `public_url`), when it gives one. */
  trackingUrl: string | null;
}

export type TrackingStatus = 'unknown' | 'pre_transit' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'available_for_pickup' | 'return_to_sender' | 'failure' | 'cancelled' | 'error';

export interface Tracking {
  trackerId: string;
  trackingCode: string;
  status: TrackingStatus;
  detail: string | null;
  events: Array<{ status: string; message: string | null; at: string }>;
}

export type RefundStatus = 'submitted' | 'refunded' | 'rejected';

export interface ShippingCarrier {
  readonly name: string;
  verifyAddress(address: Address): Promise<AddressVerification>;
  /** Every service's price for this parcel; choosing one is domain/rate-choice.ts's rule. */
  rateShop(request: ShipmentRequest): Promise<CarrierRate[]>;
  /** Buys the chosen service's label once per reference, however often it is called. */
  buyLabel(request: BuyLabelRequest): Promise<Label>;
  /** Asks the carrier to refund (void) an unused label; asking again answers the refund as it stands. */
  voidLabel(carrierShipmentId: string): Promise<RefundStatus>;
  track(trackingCode: string, carrier: string): Promise<Tracking>;
  /** Puts the labelled parcel on the carrier's manifest (EasyPost's scan form): the handover. Once, however often it is called. */
  handOver(carrierShipmentId: string): Promise<void>;
}
