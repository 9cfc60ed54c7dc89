import type { Generated, Selectable } from 'kysely';
import type { InspectionOutcome, ReturnReasonCode, ReturnStatus } from '../../domain/returns';
import type { CurrencyCode, Json, NullableTimestamp, Timestamp } from './column-types';

/** An RMA. Its lines' units never exceed what was delivered (return_lines_within_delivered). */
export interface ReturnTable {
  id: Generated<string>;
  order_id: string;
  status: Generated<ReturnStatus>;
  reason_code: ReturnReasonCode;
  note: string | null;
  currency: CurrencyCode;
  requested_amount: number;
  requested_by: string;
  approval: 'auto' | 'support' | null;
  decided_by: string | null;
  decision_reason: string | null;
  decided_at: NullableTimestamp;
  /** Nobody decided by then: the return expires and support is told. */
  approval_deadline: Date;
  /** The label is voided and the return expires when nothing arrived by then. */
  return_by: NullableTimestamp;
  /** Where the label sends it. */
  warehouse_id: string | null;
  carrier: string | null;
  carrier_reference: string | null;
  /** Written before the label is bought, so a retried purchase finds the carrier's shipment. */
  carrier_shipment_id: string | null;
  label_id: string | null;
  label_url: string | null;
  tracking_number: string | null;
  label_voided_at: NullableTimestamp;
  received_at: NullableTimestamp;
  received_by: string | null;
  /** Set with refund_status once the order answered: the refund's amount (0 when refused or nothing was accepted). */
  refund_amount: number | null;
  /** refund_pending: received before refunds went through the order (the accepted units' price). */
  refund_status: 'refund_pending' | 'refund_requested' | 'refund_refused' | 'nothing_to_refund' | null;
  /** The order's refund-<refundId>, when it started one. */
  refund_id: string | null;
  /** Why the order refused the refund (its typed reason and message). */
  refund_refusal: string | null;
  expired_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ReturnRow = Selectable<ReturnTable>;

export interface ReturnLineTable {
  return_id: string;
  order_item_id: string;
  sku: string;
  quantity: number;
  unit_price_amount: number;
  inspection: Json<InspectionOutcome[] | null>;
  restockable_quantity: number | null;
  damaged_quantity: number | null;
}
