import type { Generated, GeneratedAlways, Selectable } from 'kysely';
import type { CurrencyCode, Json, JsonObject, JsonWithDefault, NullableTimestamp, PostalAddress, RequiredTimestamp, Timestamp } from './column-types';

export const shipmentStatuses = ['pending', 'label_purchased', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned', 'cancelled'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export interface ShipmentTable {
  id: Generated<string>;
  order_id: string;
  warehouse_id: string;
  status: Generated<ShipmentStatus>;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  label_id: string | null;
  label_url: string | null;
  /** The carrier's public tracking page for the label (EasyPost's tracker `public_url`). */
  tracking_url: string | null;
  /** Address snapshot at label time. */
  ship_to: Json<PostalAddress>;
  /** Set together with cost_currency, or both null. */
  cost_amount: number | null;
  cost_currency: CurrencyCode | null;
  /** Our reference for it at the carrier (EasyPost accepts it in place of the carrier's id). */
  carrier_reference: string | null;
  /** Written before the label is bought, so a retried purchase finds the carrier's shipment. */
  carrier_shipment_id: string | null;
  carrier_tracker_id: string | null;
  /** What the chosen rate was quoted at when rate-shopping; cost_* is what the label cost. */
  quoted_amount: number | null;
  quoted_currency: CurrencyCode | null;
  /** What the customer paid to ship this parcel (its share of the order's shipping); with cost_*, the margin. */
  charged_amount: number | null;
  charged_currency: CurrencyCode | null;
  /** A voided label's refund at the carrier. */
  refund_status: 'submitted' | 'refunded' | 'rejected' | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  shipped_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
}

export type ShipmentRow = Selectable<ShipmentTable>;

export interface ShipmentItemTable {
  shipment_id: string;
  order_item_id: string;
  quantity: number;
}

export interface ShipmentEventTable {
  id: GeneratedAlways<number>;
  shipment_id: string;
  carrier: string;
  /** Unique per carrier: a redelivered tracking webhook is refused. */
  carrier_event_id: string;
  status: string;
  description: string | null;
  location: string | null;
  occurred_at: RequiredTimestamp;
  received_at: Timestamp;
  payload: JsonWithDefault<JsonObject>;
}
