import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Parcel } from '../../domain/allocation';
import type { Address, CheckoutLine, CheckoutOutcome, CheckoutRequest, OrderTotals } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import type { PaymentEvent } from '../../domain/payment-event';
import type { OrderState, OrderStatus } from '../../domain/order-state';
import type { RiskAssessment } from '../../domain/risk';
import type { RefundLine, RefundReason } from '../../domain/refund-plan';
import type { RefundApproval, RefundStage } from '../refund/refund-payment.messages';

/** order-<orderId>: processOrder owns the order's life under this id; this file is what the API and other workflows may know of it. */
export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;
export const processOrderWorkflowType = 'processOrder';
export type ProcessOrderWorkflow = (input: OrderInput) => Promise<CheckoutResult>;

export interface OrderInput {
  orderId: string;
  /** The client's Idempotency-Key; the order id is derived from it and the customer. */
  idempotencyKey: string;
  /** A hash of the request body: the same key with another body is refused. */
  requestHash: string;
  /** The customer as the API knows them (their token's subject); checkout looks up its customers row (identifyCustomer). */
  customerSubject: string;
  request: CheckoutRequest;
  /** How long an order held for risk review waits for support before it is cancelled. */
  reviewTimeout?: Duration;
  /** How long a reservation may be held without the order progressing (a safety net for sweeps). */
  reservationTtlMs?: number;
  /** How long after delivery the customer may return it; the order closes when it ends (default 30 days). */
  returnWindow?: Duration;
  /** Shorter deadlines for the order's parcels (tests, demos); each parcel has its own defaults. */
  parcelDeadlines?: { labelDeadline?: string; deliveryGrace?: string; trackingPollAfter?: string };
  /** A waiting order continues as new when Temporal suggests it or past this many events. */
  continueAsNewAfterEvents?: number;
  /** Set on a run that an earlier run of the order continued as new: where the order stood. */
  continued?: ContinuedOrder;
}

/** What a confirmed order carries into its next run: the first answer, its state and what it saw. */
export interface ContinuedOrder {
  result: CheckoutResult;
  order: OrderState;
  view: Omit<OrderView, 'status' | 'fulfillmentHeld' | 'labelPurchased'>;
  paymentEvents: PaymentEvent[];
}

/** Checkout's answer, and what the submit update returns (to every duplicate request, too). */
export type CheckoutResult =
  | CheckoutOutcome
  | { status: 'rejected'; orderId: string; reason: { type: 'CartEmpty'; message: string; details: { cartId: string } } }
  /** Not a business outcome: a step kept failing past its retries; everything was compensated. */
  | { status: 'failed'; orderId: string; reason: { type: 'CheckoutFailed'; message: string } };

export interface Actor {
  id: string;
  /** system: the order's own processes, such as a received return asking for its refund. */
  role: 'customer' | 'support' | 'admin' | 'system';
}

export interface ShipmentSummary {
  shipmentId: string;
  warehouseCode: string;
  lines: Array<{ sku: string; quantity: number }>;
  stage: 'started' | 'handed_over' | 'delivered' | 'failed' | 'returned' | 'address_problem' | 'cancelled';
  late: boolean;
  /** Known once the parcel is handed over (its label's), for the customer's shipped email. */
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
}

export interface CaptureSummary {
  workflowId: string;
  /** The parcel whose handover took this capture; absent for the rest taken before the hold lapsed. */
  shipmentId?: string;
  /** Absent on captures recorded before expiry captures existed: those are handovers. */
  purpose?: 'handover' | 'before-expiry';
  amount: Money;
  finalCapture: boolean;
  status: 'started' | 'captured' | 'authorization-expired' | 'refused';
}

/** One refund-<refundId> the order started, as its last report left it. */
export interface RefundSummary {
  refundId: string;
  workflowId: string;
  amount: Money;
  /** The part of amount that is shipping and its tax. */
  shipping: Money;
  /** Empty for a refund by amount. */
  lines: RefundLine[];
  reason: RefundReason;
  requestedBy: string;
  stage: RefundStage;
  failureReason?: string;
  /** Set when a received return asked for it: one refund per return, however often it asks. */
  rmaId?: string;
}

export interface TimelineEntry {
  /** ISO-8601, workflow time. */
  at: string;
  event: string;
  actor?: string;
  detail?: string;
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  statusReason?: string;
  customerSubject: string;
  email: string;
  lines: CheckoutLine[];
  totals?: OrderTotals;
  risk?: RiskAssessment;
  payment?: {
    provider: string;
    status: 'authorized' | 'partially_captured' | 'captured' | 'cancelled';
    externalId?: string;
    authorized: Money;
    /** What the captures this order started have taken so far. */
    captured?: Money;
    paymentId?: string;
    multicapture?: boolean;
    /** When the provider releases the hold (its capture_before, else 7 days from authorizing): the rest is captured a day before. */
    authorizationExpiresAt?: string;
    /** Set when the hold lapsed with money owed: what the order could not collect. Ops find it by PaymentAlert. */
    authorizationExpired?: { at: string; uncollected: Money };
  };
  reservations: Parcel[];
  /** One per parcel of the allocation, once the order was confirmed: each is a shipment-<id> child. */
  shipments?: ShipmentSummary[];
  /** Each capture-<orderId>-<n> the order started, as it stands. */
  captures?: CaptureSummary[];
  /** Each refund-<refundId> the order started: those not failed, expired or refused count against what is refundable. */
  refunds?: RefundSummary[];
  /** Returns (rmaIds) that have not ended: the order does not close while one is open. */
  openReturns?: string[];
  /** When the last parcel was delivered: the return window runs from here. */
  deliveredAt?: string;
  shippingAddress: Address;
  fulfillmentHeld: boolean;
  labelPurchased: boolean;
  timeline: TimelineEntry[];
}

/** The update that update-with-start sends: it answers once checkout has decided. */
export const submitCheckoutUpdate = defineUpdate<CheckoutResult, [requestHash: string]>('submitCheckout');
export const orderStatusQuery = defineQuery<OrderView>('orderStatus');

/** A person asking the order to change: support staff, or the customer cancelling their own order. */
export interface SupportRequest {
  actor: Actor;
  reason: string;
}
export interface AddressChangeRequest extends SupportRequest {
  address: Address;
}
export const cancelOrderUpdate = defineUpdate<OrderView, [SupportRequest]>('cancelOrder');
export const holdOrderUpdate = defineUpdate<OrderView, [SupportRequest]>('holdOrder');
export const releaseOrderUpdate = defineUpdate<OrderView, [SupportRequest]>('releaseOrder');
export const approveRiskUpdate = defineUpdate<OrderView, [SupportRequest]>('approveRisk');
export const rejectRiskUpdate = defineUpdate<OrderView, [SupportRequest]>('rejectRisk');
export const updateShippingAddressUpdate = defineUpdate<OrderView, [AddressChangeRequest]>('updateShippingAddress');

/**
 * Support asks for money back: an amount (minor units) or lines, and a reason code. The API adds
 * the approval policy from its config. Refused with a typed reason (`refund-exceeds-refundable`,
 * `refund-invalid`, `nothing-captured`, ...) before anything is recorded.
 */
export interface RefundRequest extends SupportRequest {
  refundReason: RefundReason;
  amount?: number;
  lines?: RefundLine[];
  note?: string;
  approval: RefundApproval;
  /** A received return asking for the refund of its accepted units: asking again answers the same refund. */
  rmaId?: string;
}
export const requestRefundUpdate = defineUpdate<RefundSummary, [RefundRequest]>('requestRefund');

/**
 * Support cancels what has not shipped yet, after some parcels have: every parcel not handed over
 * (or those named), their labels voided, their stock released, and what was captured for them
 * refunded under the refund rules. A named parcel the carrier has is `parcel-already-handed-over`;
 * nothing left to stop is `nothing-left-to-cancel`.
 */
export interface CancelRestRequest extends SupportRequest {
  shipmentIds?: string[];
  approval: RefundApproval;
}
export const cancelRestUpdate = defineUpdate<OrderView, [CancelRestRequest]>('cancelRest');

export const paymentEventSignal = defineSignal<[PaymentEvent]>('paymentEvent');

export type { PaymentEvent };
