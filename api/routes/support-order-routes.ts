import type { estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { refundStatuses, shipmentStatuses } from '../../db/database';
import type { OrderSearchDocument } from '../../db/order-search-documents';
import { findReturnOrderId } from '../../db/returns';
import { orderStatuses, refusalCodes } from '../../domain/order-state';
import {
  approveRiskUpdate,
  cancelOrderUpdate,
  holdOrderUpdate,
  rejectRiskUpdate,
  releaseOrderUpdate,
  updateShippingAddressUpdate,
  type Actor,
  type SupportRequest,
} from '../../workflows/order/order.messages';
import type { ApiRouter } from '../http/api-router';
import type { Principal } from '../http/tokens';
import type { AppDeps } from '../app-deps';
import { addressChange, moneyView, orderIdParam, supportRequest } from '../orders/order-schemas';
import { refundReasons } from '../../domain/refund-plan';
import { Problem } from '../http/problem';
import type { OrderClient } from '../orders/order-client';
import { loadOrderDetails, orderDetails } from '../read-models/order-details';
import { isSearchOutage } from '../read-models/search-outage';
import { emailAddress } from '../http/email-address';

const staff = ['support', 'admin'] as const;

const actions = [
  { path: 'cancel', update: cancelOrderUpdate, summary: 'Cancel the order (refused once anything has shipped)' },
  { path: 'hold', update: holdOrderUpdate, summary: 'Hold fulfillment' },
  { path: 'release', update: releaseOrderUpdate, summary: 'Release held fulfillment' },
  { path: 'approve-risk', update: approveRiskUpdate, summary: 'Approve an order held for risk review' },
  { path: 'reject-risk', update: rejectRiskUpdate, summary: 'Reject an order held for risk review: stock released, payment voided' },
] as const;

const refundLine = z.strictObject({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(10_000) });
const refundRequestBody = supportRequest.extend({
  refundReason: z.enum(refundReasons).describe('Why the money goes back; `damaged` also refunds the units\' share of shipping'),
  amount: z.number().int().min(1).optional().describe('Minor units; or name lines instead'),
  lines: z.array(refundLine).min(1).max(100).optional(),
  note: z.string().trim().max(1000).optional(),
});
const refundSummary = z.object({
  refundId: z.uuid(),
  workflowId: z.string(),
  amount: moneyView,
  shipping: moneyView,
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  reason: z.enum(refundReasons),
  requestedBy: z.string(),
  stage: z.enum(['requested', 'awaiting_approval', 'processing', 'succeeded', 'failed', 'expired', 'refused']),
  failureReason: z.string().optional(),
});
const refundParams = orderIdParam.extend({ refundId: z.uuid() });

const searchQuery = z.strictObject({
  email: emailAddress.optional(),
  status: z.enum(orderStatuses).optional(),
  sku: z.string().max(64).optional(),
  orderId: z.uuid().optional(),
  rmaId: z.uuid().optional().describe("A return's id (RMA): the order it belongs to"),
  trackingNumber: z.string().max(64).optional().describe("A parcel's tracking number, as the carrier prints it (case does not matter)"),
  shipmentStatus: z.enum(shipmentStatuses).optional().describe('Orders with a parcel in this state'),
  refundStatus: z.enum(refundStatuses).optional().describe('Orders with a refund in this state (e.g. `failed`, `awaiting_approval`)'),
  page: z.coerce.number().int().min(1).max(100).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export function supportOrderRoutes(api: ApiRouter, { db, es, indices }: AppDeps, orders: OrderClient): void {
  api.route(
    {
      method: 'get',
      path: '/support/orders',
      operationId: 'searchOrders',
      summary: 'Find orders by email, status, SKU, order id, return (RMA) id, tracking number, parcel state or refund state',
      description: "From the orders search index, which each order workflow keeps current; a parcel's change (its label, its tracking) reaches it through the catch-up schedule within minutes.",
      tag: 'Support',
      roles: staff,
      query: searchQuery,
      responses: { 200: { description: 'Matching orders, newest first' }, 503: { description: 'Search is down', problems: ['search-unavailable'] } },
    },
    async ({ query, res }) => {
      const filters: estypes.QueryDslQueryContainer[] = [];
      if (query.email) filters.push({ term: { email: query.email.toLowerCase() } });
      if (query.status) filters.push({ term: { status: query.status } });
      if (query.sku) filters.push({ term: { skus: query.sku } });
      if (query.orderId) filters.push({ term: { orderId: query.orderId } });
      // A return belongs to one order, which the database knows: the index need not carry RMAs.
      if (query.rmaId) filters.push({ terms: { orderId: await findReturnOrderId(db, query.rmaId) } });
      // Carriers print tracking numbers in upper case; people type them in any case.
      const trackingNumber = query.trackingNumber?.trim();
      if (trackingNumber) filters.push({ terms: { trackingNumbers: [...new Set([trackingNumber, trackingNumber.toUpperCase()])] } });
      if (query.shipmentStatus) filters.push({ term: { shipmentStatuses: query.shipmentStatus } });
      if (query.refundStatus) filters.push({ term: { refundStatuses: query.refundStatus } });
      try {
        const result = await es.search<OrderSearchDocument>(
          {
            index: indices.orders.name,
            query: { bool: { filter: filters } },
            sort: [{ createdAt: 'desc' }],
            from: (query.page - 1) * query.pageSize,
            size: query.pageSize,
            track_total_hits: true,
            ignore_unavailable: true,
          },
          { requestTimeout: 3_000, maxRetries: 0 },
        );
        const total = typeof result.hits.total === 'number' ? result.hits.total : (result.hits.total?.value ?? 0);
        res.json({ total, page: query.page, pageSize: query.pageSize, items: result.hits.hits.map((hit) => hit._source) });
      } catch (error) {
        if (!isSearchOutage(error)) throw error;
        throw new Problem('search-unavailable', 'Order search is not answering; order pages still work.', {}, { 'Retry-After': '5' });
      }
    },
  );

  api.route(
    {
      method: 'get',
      path: '/support/orders/:orderId',
      operationId: 'getOrderForSupport',
      summary: "An order's state, its parcels, its payment ledger and its timeline of who did what",
      description: 'As GET /orders/{orderId}, with the ledger rows\' idempotency keys and manual payment references.',
      tag: 'Support',
      roles: staff,
      params: orderIdParam,
      responses: { 200: { description: 'The order', schema: orderDetails }, 404: { description: 'No such order', problems: ['not-found'] } },
    },
    async ({ params, principal, res }) => {
      res.json(await loadOrderDetails(db, await orders.view(params.orderId, principal!), principal!));
    },
  );

  for (const action of actions) {
    api.route(
      {
        method: 'post',
        path: `/support/orders/:orderId/${action.path}`,
        operationId: `${action.path.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Order`,
        summary: action.summary,
        description: 'A validated workflow update: refused (409) when the order does not allow it, with the reason as the problem type (e.g. `/problems/not-on-hold`). Recorded in the support audit with the actor once carried out.',
        tag: 'Support',
        roles: staff,
        rateLimit: 'support-actions',
        params: orderIdParam,
        body: supportRequest,
        responses: {
          200: { description: 'Done; the order after it' },
          404: { description: 'No such order', problems: ['not-found'] },
          409: { description: 'Refused: the problem type names the reason', problems: [...refusalCodes] },
        },
      },
      async ({ params, principal, body, res }) => {
        const request: SupportRequest = { actor: staffActor(principal!), reason: body.reason };
        res.json(await orders.request(params.orderId, principal!, action.update, request));
      },
    );
  }

  api.route(
    {
      method: 'post',
      path: '/support/orders/:orderId/refunds',
      operationId: 'requestRefund',
      summary: 'Refund part or all of what was captured: by amount or by lines, with a reason',
      description:
        "A validated update of the order, which owns its money: refused (409) when it asks more than captured less refunded less refunds in flight (`/problems/refund-exceeds-refundable`), names lines the order lacks or more units than are left (`refund-invalid`), or nothing was captured yet (`nothing-captured`). By lines, each unit refunds its price and its share of the line's tax; shipping is refunded with the refund that leaves nothing unrefunded, or for the damaged units' share when the reason is `damaged` (domain/refund-plan.ts). Accepted, it starts `refund-<refundId>`: above the approval threshold (REFUND_APPROVAL_THRESHOLD) it waits for another admin until its deadline, else it is refunded at once. Audited with the actor and reason.",
      tag: 'Support',
      roles: staff,
      rateLimit: 'support-actions',
      params: orderIdParam,
      body: refundRequestBody,
      responses: {
        200: { description: 'Accepted: the refund as the order reserved it (stage `requested`)', schema: refundSummary },
        404: { description: 'No such order', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: [...refusalCodes] },
      },
    },
    async ({ params, principal, body, res }) => {
      res.json(
        await orders.requestRefund(params.orderId, principal!, {
          actor: staffActor(principal!),
          reason: body.reason,
          refundReason: body.refundReason,
          ...(body.amount !== undefined && { amount: body.amount }),
          ...(body.lines && { lines: body.lines }),
          ...(body.note && { note: body.note }),
        }),
      );
    },
  );

  api.route(
    {
      method: 'post',
      path: '/support/orders/:orderId/cancel-rest',
      operationId: 'cancelRestOfOrder',
      summary: 'Cancel what has not shipped yet, after some parcels have: labels voided, stock released, what was paid for it refunded',
      description:
        "A validated update of the order. Every parcel not yet handed over (or those named in `shipmentIds`) is stopped: its label voided, its row cancelled, its stock released. The order is `shipped` once what is left has gone. The cancelled parcels' shares are never captured; what was captured for them already is refunded through `refund-<refundId>` under the refund rules (approval above the threshold). Refused with `parcel-already-handed-over` for a named parcel the carrier has, and `nothing-left-to-cancel` when nothing is left to stop. Audited with the actor and reason.",
      tag: 'Support',
      roles: staff,
      rateLimit: 'support-actions',
      params: orderIdParam,
      body: supportRequest.extend({ shipmentIds: z.array(z.uuid()).min(1).max(50).optional() }),
      responses: {
        200: { description: 'Done; the order after it' },
        404: { description: 'No such order', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: [...refusalCodes, 'parcel-already-handed-over'] },
      },
    },
    async ({ params, principal, body, res }) => {
      res.json(await orders.cancelRest(params.orderId, principal!, { actor: staffActor(principal!), reason: body.reason, ...(body.shipmentIds && { shipmentIds: body.shipmentIds }) }));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/support/orders/:orderId/refunds/:refundId/approve',
      operationId: 'approveRefund',
      summary: 'Approve a refund above the approval threshold (an admin other than its requester)',
      description:
        'A validated update of `refund-<refundId>`: refused with `not-an-admin`, `self-approval` (the requester cannot approve their own), or `refund-not-awaiting-approval` (below the threshold, approved already, or expired). Audited with the actor and reason on the refund\'s timeline and row.',
      tag: 'Support',
      roles: staff,
      rateLimit: 'support-actions',
      params: refundParams,
      body: supportRequest,
      responses: {
        200: { description: 'Approved: the refund goes to the provider' },
        404: { description: 'No such refund of this order', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: [...refusalCodes] },
      },
    },
    async ({ params, principal, body, res }) => {
      res.json(await orders.approveRefund(params.orderId, params.refundId, principal!, { actor: staffActor(principal!), reason: body.reason }));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/support/orders/:orderId/shipping-address',
      operationId: 'updateShippingAddress',
      summary: 'Change the shipping address (until a label exists)',
      tag: 'Support',
      roles: staff,
      rateLimit: 'support-actions',
      params: orderIdParam,
      body: addressChange,
      responses: {
        200: { description: 'Changed; the order after it' },
        404: { description: 'No such order', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: [...refusalCodes] },
      },
    },
    async ({ params, principal, body, res }) => {
      const request = { actor: staffActor(principal!), reason: body.reason, address: body.address };
      res.json(await orders.request(params.orderId, principal!, updateShippingAddressUpdate, request));
    },
  );
}

/** These routes admit support and admin only; anything else reaching here is a bug in their roles. */
function staffActor({ subject, role }: Principal): Actor {
  if (role !== 'support' && role !== 'admin') throw new Error(`support routes admit support and admin, not ${role}`);
  return { id: subject, role };
}
