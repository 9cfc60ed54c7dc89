import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Money } from '../../domain/money';
import type { RefundLine, RefundReason } from '../../domain/refund-plan';
import type { Actor } from '../order/order.messages';

/**
 * refund-<refundId>: one refund of an order's captured money, started by the order workflow as
 * a child (the order owns its money, so refunds and captures are decided in one place). Its
 * provider call's idempotency key is `refund-<refundId>/create`.
 */
export const refundWorkflowType = 'refundPayment';
export const refundWorkflowId = (refundId: string): string => `refund-${refundId}`;
export type RefundPaymentWorkflow = (input: RefundInput) => Promise<RefundOutcome>;

export interface RefundApproval {
  /** Refunds above this many minor units wait for an admin (platform/config.ts REFUND_APPROVAL_THRESHOLD). */
  threshold: number;
  /** How long it waits before it expires (REFUND_APPROVAL_DEADLINE). */
  deadline: Duration;
}

export interface RefundInput {
  refundId: string;
  orderId: string;
  amount: Money;
  /** The part of amount that is shipping and its tax (domain/refund-plan.ts's policy). */
  shipping: Money;
  /** Empty for a refund by amount. */
  lines: RefundLine[];
  reason: RefundReason;
  note?: string;
  requestedBy: Actor;
  approval: RefundApproval;
  /** How long after the provider said succeeded a late failure (refund.failed) is still listened for. Default 30 days. */
  failureWatch?: Duration;
}

export type RefundStage = 'requested' | 'awaiting_approval' | 'processing' | 'succeeded' | 'failed' | 'expired' | 'refused';

export interface RefundView {
  refundId: string;
  orderId: string;
  stage: RefundStage;
  amount: Money;
  shipping: Money;
  lines: RefundLine[];
  reason: RefundReason;
  requestedBy: string;
  approvedBy?: string;
  /** When an approval it waits for expires. */
  approvalDeadline?: string;
  providerReference?: string;
  /** The provider's (or the database's) reason, when it failed or was refused. */
  failureReason?: string;
  timeline: { at: string; event: string; actor?: string; detail?: string }[];
}

export type RefundOutcome = Pick<RefundView, 'refundId' | 'orderId' | 'stage' | 'amount' | 'failureReason' | 'providerReference'>;

/** What the refund tells its order whenever its stage changes (`refundReport` to order-<orderId>). */
export interface RefundReport {
  refundId: string;
  stage: RefundStage;
  amount: Money;
  shipping: Money;
  lines: RefundLine[];
  failureReason?: string;
  at: string;
}

export interface RefundDecision {
  actor: Actor;
  reason: string;
}

/** A provider's refund event as the webhook verified it: refund.updated, refund.failed, charge.refunded. */
export interface RefundEvent {
  eventId: string;
  type: string;
  /** The provider's refund status: succeeded, pending, failed, canceled. */
  status?: string;
  failureReason?: string;
  providerReference?: string;
}

export const refundStatusQuery = defineQuery<RefundView>('refundStatus');
/** An admin approves a refund above the threshold; its requester never can (`self-approval`). */
export const approveRefundUpdate = defineUpdate<RefundView, [RefundDecision]>('approveRefund');
export const refundEventSignal = defineSignal<[RefundEvent]>('refundEvent');
/** To order-<orderId>, from its refunds. */
export const refundReportSignal = defineSignal<[RefundReport]>('refundReport');
