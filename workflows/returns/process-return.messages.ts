import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InspectionOutcome, LineInspection, ReturnReasonCode, ReturnRefund, ReturnStatus } from '../../domain/returns';
export type { ReturnRefund } from '../../domain/returns';

/** What the API and tests need to start and talk to a return run, without importing workflow code. */
export const processReturnWorkflowType = 'processReturn';
export { returnWorkflowId } from '../../domain/returns';

export interface ReturnPolicy {
  /** Returns worth less than this (minor units) of orders risk did not flag are approved at once. */
  autoApproveBelow: number;
  /** How long support has to decide; then the return expires and support is told. */
  approvalTimeout: Duration;
  /** How long the return label may go unused before it is voided and the return expires. */
  labelValidity: Duration;
  /** Who hears of a return that expired undecided. */
  supportEmail: string;
}

export interface ReturnInput {
  rmaId: string;
  orderId: string;
  reasonCode: ReturnReasonCode;
  /** Price of the requested units, minor units. */
  amount: number;
  currency: string;
  riskLevel: 'low' | 'medium' | 'high' | null;
  lines: { orderItemId: string; sku: string; quantity: number; unitPriceAmount: number }[];
  policy: ReturnPolicy;
}

export type ReturnOutcome =
  | { status: 'received'; rmaId: string; restockable: number; damaged: number; refundAmount: number }
  | { status: 'denied'; rmaId: string; reason: string }
  | { status: 'expired'; rmaId: string; reason: 'approval-deadline' | 'label-unused' };

export interface ReturnView {
  rmaId: string;
  orderId: string;
  status: ReturnStatus;
  approval: 'auto' | 'support' | null;
  warehouseCode: string | null;
  trackingNumber: string | null;
  returnBy: string | null;
}

export interface ReturnDecision {
  decision: 'approve' | 'deny';
  actorId: string;
  actorRole: string;
  reason: string;
}

export interface ReturnReceipt {
  warehouseCode: string;
  receivedBy: string;
  lines: LineInspection[];
}

export interface ReceiptOutcome {
  rmaId: string;
  lines: { orderItemId: string; sku: string; restockable: number; damaged: number; units: InspectionOutcome[] }[];
  /** What the refund asks (minor units, tax and any shipping share included); 0 when refused or nothing was accepted. */
  refundAmount: number;
  refund?: ReturnRefund;
}

/** What a return tells its order whenever its status changes (`returnReport` to order-<orderId>): the order closes only once none is open. */
export interface ReturnReport {
  rmaId: string;
  status: ReturnStatus;
  at: string;
}

export const returnViewQuery = defineQuery<ReturnView>('returnView');
/** Support approves or denies a return waiting for a decision (refused otherwise: `return-not-pending`). */
export const decideReturnUpdate = defineUpdate<ReturnView, [ReturnDecision]>('decideReturn');
/**
 * The warehouse received the parcel: an inspection per unit. Posting the same receipt again answers
 * the first one's outcome; nothing is restocked twice.
 */
export const receiveReturnUpdate = defineUpdate<ReceiptOutcome, [ReturnReceipt]>('receiveReturn');

/** To order-<orderId>, from its returns. */
export const returnReportSignal = defineSignal<[ReturnReport]>('returnReport');

export type ProcessReturnWorkflow = (input: ReturnInput) => Promise<ReturnOutcome>;
