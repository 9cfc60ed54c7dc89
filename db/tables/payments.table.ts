import type { Generated, GeneratedAlways, Selectable } from 'kysely';
import type { CurrencyCode, JsonObject, JsonWithDefault, NullableTimestamp, Timestamp } from './column-types';

export type PaymentProvider = 'stripe' | 'manual';

export type PaymentStatus =
  | 'pending'
  | 'requires_action'
  | 'authorized'
  | 'partially_captured'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'cancelled'
  | 'expired'
  | 'failed';

export interface PaymentTable {
  id: Generated<string>;
  order_id: string;
  provider: PaymentProvider;
  /** Unique per provider, e.g. the Stripe PaymentIntent id. */
  external_id: string | null;
  status: Generated<PaymentStatus>;
  currency: CurrencyCode;
  /** 0 <= refunded <= captured <= authorized, enforced by CHECK constraints. */
  authorized_amount: Generated<number>;
  captured_amount: Generated<number>;
  refunded_amount: Generated<number>;
  /** Refunds asked and not yet settled: refunded + refunding <= captured (CHECK). Moved by the ledger only. */
  refunding_amount: Generated<number>;
  authorization_expires_at: NullableTimestamp;
  /** The provider lets the authorization be captured in parts (one capture per parcel). */
  multicapture: Generated<boolean>;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type PaymentRow = Selectable<PaymentTable>;

export interface PaymentEventTable {
  id: GeneratedAlways<number>;
  provider: PaymentProvider;
  /** Unique per provider: a redelivered webhook is refused. */
  provider_event_id: string;
  payment_id: string | null;
  type: string;
  payload: JsonWithDefault<JsonObject>;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

/** Every refunds.status, as refunds_status_check (migration 2026_12_20_0001) accepts them. */
export const refundStatuses = ['requested', 'awaiting_approval', 'approved', 'rejected', 'processing', 'succeeded', 'failed', 'cancelled', 'expired'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** One line of refunds.items (jsonb). */
export interface RefundItem {
  sku: string;
  quantity: number;
  amount: number;
  restock?: boolean;
}

export interface RefundTable {
  id: Generated<string>;
  order_id: string;
  payment_id: string;
  amount: number;
  currency: CurrencyCode;
  status: Generated<RefundStatus>;
  reason: string;
  idempotency_key: string;
  external_id: string | null;
  items: JsonWithDefault<RefundItem[]>;
  requested_by: string;
  approved_by: string | null;
  /** The part of amount that is shipping (and its tax). */
  shipping_amount: Generated<number>;
  note: string | null;
  /** The provider's reason, when the refund failed. */
  failure_reason: string | null;
  /** Set while it waits for an admin: when it expires. */
  approval_deadline: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}
