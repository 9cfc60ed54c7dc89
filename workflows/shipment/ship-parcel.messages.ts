import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Address, ShippingSpeed } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import type { TrackingEvent, TrackingStatus } from '../../domain/tracking';

/**
 * What the order workflow, the API and the carrier webhook know of a parcel's workflow: ids,
 * input, the warehouse's updates, the tracking signal, the status query, and the reports the
 * parcel sends its order. Imports nothing back from the workflow.
 */
export const shipParcelWorkflowType = 'shipParcel';
export type ShipParcelWorkflow = (input: ShipParcelInput) => Promise<ParcelOutcome>;

/** shipment-<shipmentId>: one parcel of one order, from one warehouse, started by the order as a child. */
export const shipmentWorkflowId = (shipmentId: string): string => `shipment-${shipmentId}`;

export interface ParcelLine {
  sku: string;
  quantity: number;
}

export interface ShipParcelInput {
  shipmentId: string;
  orderId: string;
  warehouseId: string;
  warehouseCode: string;
  lines: ParcelLine[];
  shipTo: Address;
  speed: ShippingSpeed;
  /** The price checkout quoted for shipping this parcel, kept beside the label's real cost. */
  quoted: Money | null;
  /** Deadlines, overridable by tests; the workflow has defaults. */
  labelDeadline?: string;
  deliveryGrace?: string;
  /** How long without a tracking event before the parcel asks the carrier itself. */
  trackingPollAfter?: string;
  /**
   * When the shopper was promised the parcel (ISO time). Without it, the promise is the speed's
   * most days in transit to the country (the rate card's bound), in calendar days from the run's start.
   */
  promisedDeliveryBy?: string;
}

/**
 * Why a parcel refuses a request: the type of the update's failure, answered by the API as a 409
 * problem of the same name (`wrong-warehouse` as a 403). `parcel-final` is the API's own, for an
 * update sent to a run that has ended. `parcel-on-hold`: support holds the order's fulfillment.
 * `parcel-already-handed-over` is also why a parcel with the carrier keeps its address (reported
 * to the order as `address-change-refused`).
 */
export const parcelRefusalCodes = [
  'wrong-warehouse',
  'parcel-not-awaiting-pack',
  'parcel-being-packed',
  'parcel-size-invalid',
  'parcel-label-not-bought',
  'parcel-already-handed-over',
  'parcel-on-hold',
  'parcel-final',
] as const;
export type ParcelRefusalCode = (typeof parcelRefusalCodes)[number];
export const isParcelRefusalCode = (type: string | null | undefined): type is ParcelRefusalCode => (parcelRefusalCodes as readonly (string | null | undefined)[]).includes(type);

export interface WarehouseActor {
  id: string;
  warehouseCode: string;
}

export interface PackRequest {
  actor: WarehouseActor;
  weightGrams: number;
  dimensionsCm: { length: number; width: number; height: number };
}

export interface HandOverRequest {
  actor: WarehouseActor;
}

export type ParcelStage = 'awaiting_pack' | 'label_purchased' | 'handed_over' | 'address_problem' | 'delivered' | 'failed' | 'returned' | 'cancelled';

export interface ParcelView {
  shipmentId: string;
  orderId: string;
  warehouseCode: string;
  stage: ParcelStage;
  lines: ParcelLine[];
  carrier: string | null;
  service: string | null;
  trackingNumber: string | null;
  labelUrl: string | null;
  /** The carrier's public tracking page for the label (EasyPost's tracker), when it gives one. */
  trackingUrl: string | null;
  tracking: TrackingStatus | null;
  late: boolean;
  history: Array<{ at: string; event: string; detail?: string }>;
}

export const packParcelUpdate = defineUpdate<ParcelView, [PackRequest]>('packParcel');
export const handOverParcelUpdate = defineUpdate<ParcelView, [HandOverRequest]>('handOverParcel');
/** The carrier's tracking webhooks, stored once and signalled here. */
export const trackingEventSignal = defineSignal<[TrackingEvent]>('trackingEvent');
export const parcelStatusQuery = defineQuery<ParcelView>('parcelStatus');

/** The label's carrier, tracking number and tracking page, for the customer's emails: null before a label. */
export interface ParcelTracking {
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}


/** Who asked for a change the order passes on to its parcels, and why (from the support request). */
export interface OrderInstruction {
  actor: string;
  reason: string;
}

/**
 * The order's shipping address changed (support's `updateShippingAddress`): a parcel not yet
 * handed over takes it. With a label, it voids the label and buys one for the new address from
 * the last packing; packed without a label (an address problem), it labels from the last
 * packing; never packed, it waits for its pack. A parcel with the carrier keeps its address and
 * reports `address-change-refused`.
 */
export interface AddressChange extends OrderInstruction {
  address: Address;
}
export const changeParcelAddressSignal = defineSignal<[AddressChange]>('changeParcelAddress');

/** Support held (`held: true`) or released the order's fulfillment: a held parcel refuses pack and handover with `parcel-on-hold`. */
export interface FulfillmentHold extends OrderInstruction {
  held: boolean;
}
export const holdParcelSignal = defineSignal<[FulfillmentHold]>('holdParcel');

/** What a parcel tells its order (signalled to order-<orderId>), in the order it happens. */
export type ParcelReport =
  | ({ shipmentId: string; kind: 'handed-over'; at: string } & ParcelTracking)
  | { shipmentId: string; kind: 'delivered'; at: string }
  | ({ shipmentId: string; kind: 'late'; at: string } & ParcelTracking)
  | { shipmentId: string; kind: 'failed' | 'returned' | 'address-problem'; at: string; detail: string }
  /** Its label was voided at the carrier for a new address (the refund as the carrier answered it). */
  | { shipmentId: string; kind: 'label-voided'; at: string; detail: string }
  /** A label was bought for the new address. */
  | { shipmentId: string; kind: 'relabelled'; at: string; detail: string }
  /** The parcel kept its address: it is with the carrier already. */
  | { shipmentId: string; kind: 'address-change-refused'; at: string; detail: string; reason: ParcelRefusalCode };

export const parcelReportSignal = defineSignal<[ParcelReport]>('parcelReport');

export type ParcelOutcome = { shipmentId: string; stage: Extract<ParcelStage, 'delivered' | 'failed' | 'returned' | 'cancelled'> };
