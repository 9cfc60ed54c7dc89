import type { Kysely } from 'kysely';
import { z } from 'zod';
import { refundReasons } from '../../domain/refund-plan';
import { shipmentStatuses, type Database, type PaymentLedgerRow } from '../../db/database';
import { findOrderLedger, findOrderParcels, type OrderParcelRecord } from '../../db/order-fulfillment';
import { listOrderReturns, returnRefundOf, type ReturnWithLines } from '../../db/returns';
import { returnReasonCodes, returnStatuses } from '../../domain/returns';
import { findOrderRefunds } from '../../db/refunds';
import { orderStatuses } from '../../domain/order-state';
import { riskReasonCodes } from '../../domain/risk';
import type { OrderView } from '../../workflows/order/order.messages';
import type { Principal } from '../http/tokens';

/*
 * What GET /orders/:id and GET /support/orders/:id answer: the order as its workflow knows it
 * (status, lines, totals, payment, the parcels it started and their stage, the timeline), and
 * beside it what the database holds as the source of truth: each parcel's carrier, service,
 * tracking, label and status history, and every movement of the order's money. The schemas are
 * the OpenAPI document and also the answer's shape: the view is parsed through them, so nothing
 * outside the document (a cart line's snapshot fields, say) reaches the caller.
 */

const money = z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() });
const parcelLine = z.object({ sku: z.string(), quantity: z.number().int() });
const address = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  region: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
  phone: z.string().optional(),
});

/** The order workflow's view (`orderStatus` query), field by field. */
const orderView = z.object({
  orderId: z.string(),
  status: z.enum(orderStatuses),
  statusReason: z.string().optional(),
  customerSubject: z.string(),
  email: z.string(),
  lines: z.array(
    z.object({
      sku: z.string(),
      productId: z.string(),
      productName: z.string(),
      quantity: z.number().int(),
      unitPrice: money,
      weightGrams: z.number().int().nullable(),
    }),
  ),
  totals: z
    .object({
      currency: z.string(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: money, lineTotal: money, lineTax: money })),
      subtotal: money,
      shipping: money,
      shippingTax: money,
      tax: money,
      total: money,
      taxRate: z.object({ jurisdiction: z.string(), basisPoints: z.number().int(), shippingTaxable: z.boolean() }),
      shippingSource: z.enum(['quote', 'estimate']),
    })
    .optional(),
  risk: z
    .object({
      score: z.number().int(),
      level: z.enum(['low', 'medium', 'high']),
      reasons: z.array(z.object({ code: z.enum(riskReasonCodes), points: z.number().int(), message: z.string() })),
    })
    .optional(),
  payment: z
    .object({
      provider: z.string(),
      status: z.enum(['authorized', 'partially_captured', 'captured', 'cancelled']),
      externalId: z.string().optional().describe("The provider's id of the payment (a Stripe PaymentIntent); absent for a manual payment when a customer asks"),
      authorized: money,
      captured: money.optional(),
      paymentId: z.string().optional(),
      multicapture: z.boolean().optional(),
      authorizationExpiresAt: z.string().optional().describe("When the provider releases the hold; what is still owed is captured a day before"),
      authorizationExpired: z.object({ at: z.string(), uncollected: money }).optional().describe('Set when the hold lapsed with money owed: what could not be collected'),
    })
    .optional(),
  reservations: z.array(z.object({ warehouseId: z.string(), warehouseCode: z.string(), lines: z.array(parcelLine) })),
  shipments: z
    .array(
      z.object({
        shipmentId: z.string(),
        warehouseCode: z.string(),
        lines: z.array(parcelLine),
        stage: z.enum(['started', 'handed_over', 'delivered', 'failed', 'returned', 'address_problem', 'cancelled']),
        late: z.boolean(),
        carrier: z.string().optional(),
        trackingNumber: z.string().optional(),
        trackingUrl: z.string().optional(),
      }),
    )
    .optional()
    .describe('The parcels the order started, as its workflow last heard of them'),
  captures: z
    .array(
      z.object({
        workflowId: z.string(),
        shipmentId: z.string().optional().describe("The parcel whose handover took it; absent for the rest captured before the hold lapsed"),
        purpose: z.enum(['handover', 'before-expiry']).optional(),
        amount: money,
        finalCapture: z.boolean(),
        status: z.enum(['started', 'captured', 'authorization-expired', 'refused']),
      }),
    )
    .optional(),
  refunds: z
    .array(
      z.object({
        refundId: z.string(),
        workflowId: z.string().describe('refund-<refundId>, findable in the Temporal UI by RefundStatus'),
        amount: money,
        shipping: money.describe('The part of amount that is shipping and its tax'),
        lines: z.array(parcelLine).describe('Empty for a refund by amount'),
        reason: z.enum(refundReasons),
        requestedBy: z.string(),
        stage: z.enum(['requested', 'awaiting_approval', 'processing', 'succeeded', 'failed', 'expired', 'refused']),
        failureReason: z.string().optional().describe("The provider's reason, when it failed; why it expired or was refused"),
        rmaId: z.string().optional().describe('The return whose received units this refund pays back'),
      }),
    )
    .optional()
    .describe('Each refund the order started, as its last report left it; the ledger holds the money each moved'),
  openReturns: z.array(z.string()).optional().describe('Returns (RMA ids) not ended yet: the order does not close while one is open'),
  deliveredAt: z.string().optional(),
  shippingAddress: address,
  fulfillmentHeld: z.boolean(),
  labelPurchased: z.boolean(),
  timeline: z.array(z.object({ at: z.string(), event: z.string(), actor: z.string().optional(), detail: z.string().optional() })),
});

export const labelStates = ['none', 'purchased', 'voided'] as const;

export const parcelDetail = z.object({
  shipmentId: z.string(),
  warehouseCode: z.string(),
  status: z.enum(shipmentStatuses).describe("The shipment row's status"),
  carrier: z.string().nullable(),
  service: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable().describe("The carrier's public tracking page for the parcel's label, once it is bought"),
  label: z.enum(labelStates).describe('none until bought; voided once its refund was asked of the carrier (and not rejected)'),
  lines: z.array(parcelLine),
  shippedAt: z.string().nullable().describe('Handed to the carrier'),
  deliveredAt: z.string().nullable(),
  history: z
    .array(
      z.object({
        at: z.string(),
        source: z.enum(['parcel', 'carrier']),
        status: z.string().describe('parcel: recorded, handed_over, delivered; carrier: its tracking status (pre_transit, in_transit, out_for_delivery, delivered, failure, return_to_sender, ...)'),
        description: z.string().nullable(),
        location: z.string().nullable(),
      }),
    )
    .describe('Oldest first'),
});

export const ledgerEntry = z.object({
  kind: z.enum(['authorized', 'captured', 'cancelled', 'refund_requested', 'refunded', 'refund_failed']),
  amount: money,
  providerReference: z.string().nullable().describe("The provider's id of what moved (a PaymentIntent, a refund); null to customers when no provider was involved"),
  at: z.string(),
  idempotencyKey: z.string().optional().describe('Support and admin only: the key of the step that appended the row'),
});

export const returnSummary = z.object({
  rmaId: z.string(),
  status: z.enum(returnStatuses),
  reasonCode: z.enum(returnReasonCodes),
  requested: money.describe('Price of the requested units'),
  approval: z.enum(['auto', 'support']).nullable(),
  decisionReason: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  labelUrl: z.string().nullable(),
  returnBy: z.string().nullable().describe('The label is voided and the return expires when nothing arrived by then'),
  labelVoided: z.boolean(),
  receivedAt: z.string().nullable(),
  refund: z
    .object({
      status: z.enum(['refund_pending', 'refund_requested', 'refund_refused', 'nothing_to_refund']),
      amount: money,
      refundId: z.string().optional().describe("The order's refund (see `refunds`): its stage says whether the money went back"),
      refusal: z.string().optional().describe('Why the order refused it: its typed reason and message'),
    })
    .nullable()
    .describe('Once received: the refund of the accepted units the return asked its order for, and the answer'),
  lines: z.array(
    z.object({
      sku: z.string(),
      quantity: z.number().int(),
      restockable: z.number().int().nullable().describe('Inspected at receipt'),
      damaged: z.number().int().nullable(),
    }),
  ),
  createdAt: z.string(),
});

const refundDetail = orderView.shape.refunds.unwrap().element.extend({
  approvedBy: z.string().nullable().optional().describe('Support and admin only: the admin who approved it, from the refunds table'),
});

export const orderDetails = orderView.extend({
  refunds: z.array(refundDetail).optional().describe(orderView.shape.refunds.description ?? ''),
  parcels: z.array(parcelDetail).describe("Each parcel as the database holds it (the shipments row, its items and the carrier's events)"),
  paymentLedger: z.array(ledgerEntry).describe("Every movement of the order's money, oldest first, from the payment ledger"),
  returns: z.array(returnSummary).describe('Its returns (RMAs), oldest first, with their state'),
});

export type OrderDetails = z.output<typeof orderDetails>;
export type ParcelDetail = z.output<typeof parcelDetail>;

/** The order as `principal` may read it: the workflow's view, its parcels and its ledger. */
export async function loadOrderDetails(db: Kysely<Database>, view: OrderView, principal: Principal): Promise<OrderDetails> {
  const staff = principal.role === 'support' || principal.role === 'admin';
  const [parcels, ledger, returns, refundRows] = await Promise.all([
    findOrderParcels(db, view.orderId),
    findOrderLedger(db, view.orderId),
    listOrderReturns(db, view.orderId),
    staff && view.refunds?.length ? findOrderRefunds(db, view.orderId) : [],
  ]);
  const approvers = new Map(refundRows.map((row) => [row.id, row.approved_by]));
  const payment = view.payment && !staff && isManualReference(view.payment.externalId) ? { ...view.payment, externalId: undefined } : view.payment;
  // Typed both ways, so the schema and the workflow's view cannot drift apart: every view is
  // the schema's input, and what the schema answers is a view.
  const refunds = view.refunds && staff ? view.refunds.map((r) => ({ ...r, approvedBy: approvers.get(r.refundId) ?? null })) : view.refunds;
  const input: z.input<typeof orderDetails> = { ...view, payment, ...(refunds && { refunds }), parcels: parcels.map(parcelOf), paymentLedger: ledger.map((row) => ledgerEntryOf(row, staff)), returns: returns.map(returnSummaryOf) };
  const details: OrderView & OrderDetails = orderDetails.parse(input);
  return details;
}

export function returnSummaryOf(row: ReturnWithLines): z.input<typeof returnSummary> {
  return {
    rmaId: row.id,
    status: row.status,
    reasonCode: row.reason_code,
    requested: { amount: Number(row.requested_amount), currency: row.currency },
    approval: row.approval,
    decisionReason: row.decision_reason,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    labelUrl: row.label_url,
    returnBy: row.return_by?.toISOString() ?? null,
    labelVoided: row.label_voided_at !== null,
    receivedAt: row.received_at?.toISOString() ?? null,
    refund: returnRefundView(row),
    lines: row.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, restockable: line.restockable_quantity, damaged: line.damaged_quantity })),
    createdAt: row.created_at.toISOString(),
  };
}

function returnRefundView(row: ReturnWithLines): z.input<typeof returnSummary>['refund'] {
  const refund = returnRefundOf(row);
  if (!refund) return null;
  return {
    status: refund.status,
    amount: { amount: refund.amount, currency: row.currency },
    ...(refund.status === 'refund_requested' && { refundId: refund.refundId }),
    ...(refund.status === 'refund_refused' && { refusal: refund.reason }),
  };
}

/** A manual payment's reference is built from an internal idempotency key, not a provider's id. */
const isManualReference = (reference: string | null | undefined): boolean => reference?.startsWith('manual:') ?? false;

function ledgerEntryOf(row: PaymentLedgerRow, staff: boolean): z.input<typeof ledgerEntry> {
  return {
    kind: row.kind,
    amount: { amount: row.amount, currency: row.currency },
    providerReference: !staff && isManualReference(row.provider_reference) ? null : row.provider_reference,
    at: row.created_at.toISOString(),
    ...(staff && { idempotencyKey: row.idempotency_key }),
  };
}

const journeyRank: Record<string, number> = { recorded: 0, pre_transit: 1, handed_over: 2, in_transit: 3, out_for_delivery: 4, delivered: 5, failure: 5, return_to_sender: 5 };

export function parcelOf(record: OrderParcelRecord): ParcelDetail {
  const carrierDelivered = record.events.some((event) => event.status === 'delivered');
  const history: ParcelDetail['history'] = [
    { at: record.createdAt.toISOString(), source: 'parcel', status: 'recorded', description: null, location: null },
    ...(record.shippedAt ? [{ at: record.shippedAt.toISOString(), source: 'parcel' as const, status: 'handed_over', description: 'handed to the carrier', location: null }] : []),
    ...record.events.map((event) => ({ at: event.occurredAt.toISOString(), source: 'carrier' as const, status: event.status, description: event.description, location: event.location })),
    // Delivery learned by polling leaves no carrier event behind; the row still says when.
    ...(record.deliveredAt && !carrierDelivered ? [{ at: record.deliveredAt.toISOString(), source: 'parcel' as const, status: 'delivered', description: null, location: null }] : []),
  ];
  // Carriers stamp their events to the second: within a second, the journey's order decides.
  const second = (at: string) => at.slice(0, 19);
  history.sort((a, b) => second(a.at).localeCompare(second(b.at)) || (journeyRank[a.status] ?? 9) - (journeyRank[b.status] ?? 9) || a.at.localeCompare(b.at));
  const voided = record.refundStatus === 'submitted' || record.refundStatus === 'refunded';
  return {
    shipmentId: record.shipmentId,
    warehouseCode: record.warehouseCode,
    status: record.status,
    carrier: record.carrier,
    service: record.service,
    trackingNumber: record.trackingNumber,
    trackingUrl: record.trackingUrl,
    label: !record.labelBought ? 'none' : voided ? 'voided' : 'purchased',
    lines: record.lines,
    shippedAt: record.shippedAt?.toISOString() ?? null,
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
    history,
  };
}
