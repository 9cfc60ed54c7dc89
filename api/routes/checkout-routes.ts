import type { Response } from 'express';
import { z } from 'zod';
import { refusalCodes } from '../../domain/order-state';
import { cancelOrderUpdate, type CheckoutResult } from '../../workflows/order/order.messages';
import type { ApiRouter } from '../http/api-router';
import { Problem, type ProblemType } from '../http/problem';
import { checkoutInput } from '../orders/checkout-start';
import type { OrderClient } from '../orders/order-client';
import { loadOrderDetails, orderDetails } from '../read-models/order-details';
import type { AppDeps } from '../app-deps';
import type { BusinessMetrics } from '../metrics/business-metrics';
import { checkoutBody, orderIdParam, supportRequest } from '../orders/order-schemas';

const checkoutHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .describe('1 to 255 visible ASCII characters; the same key and body give the same answer'),
});

const rejectionProblems: Record<string, ProblemType> = {
  OutOfStock: 'out-of-stock',
  PriceChanged: 'price-changed',
  PaymentDeclined: 'payment-declined',
  RiskRejected: 'risk-rejected',
  AddressUndeliverable: 'address-undeliverable',
  EmailInUse: 'email-in-use',
  CartEmpty: 'cart-empty',
};

/** Rejections are problems (with the order id and the typed details); a decided order is a 201 or 202. */
function answer(result: CheckoutResult, res: Response): void {
  switch (result.status) {
    case 'confirmed':
    case 'on_hold':
      res
        .status(result.status === 'confirmed' ? 201 : 202)
        .location(`/orders/${result.orderId}`)
        .json(result);
      return;
    case 'rejected':
      throw new Problem(rejectionProblems[result.reason.type] ?? 'checkout-failed', result.reason.message, {
        orderId: result.orderId,
        reason: result.reason.type,
        details: result.reason.details,
      });
    case 'failed':
      throw new Problem('checkout-failed', result.reason.message, { orderId: result.orderId }, { 'Retry-After': '5' });
  }
}

export function checkoutRoutes(api: ApiRouter, { db }: Pick<AppDeps, 'db'>, orders: OrderClient, metrics: BusinessMetrics): void {
  api.route(
    {
      method: 'post',
      path: '/checkout',
      operationId: 'checkout',
      summary: 'Check out the cart: one call, a definitive answer',
      description:
        'Starts the order workflow `order-<orderId>` and answers once the order is confirmed (201), held for risk review (202) or rejected (a problem with the typed reason: out-of-stock with the lines short, price-changed with the new totals, payment-declined, risk-rejected). Requires an `Idempotency-Key` header: the same key with the same body returns the same answer (also while the first request is still running); the same key with another body is refused (422).',
      tag: 'Checkout',
      roles: ['customer'],
      rateLimit: 'checkout',
      body: checkoutBody,
      headers: checkoutHeaders,
      responses: {
        201: { description: 'Confirmed' },
        202: { description: 'Held for risk review; support decides' },
        400: { description: 'Invalid body or no Idempotency-Key', problems: ['validation-failed', 'idempotency-key-missing'] },
        402: { description: 'Payment declined', problems: ['payment-declined'] },
        409: {
          description: 'Out of stock, prices changed, the email belongs to another account, or the same checkout still running',
          problems: ['out-of-stock', 'price-changed', 'email-in-use', 'checkout-in-progress'],
        },
        422: { description: 'Key reused, cart empty, or risk rejected', problems: ['idempotency-key-reused', 'cart-empty', 'risk-rejected', 'address-undeliverable'] },
        503: { description: 'Checkout could not complete; nothing was charged', problems: ['checkout-failed'] },
      },
    },
    async ({ body, principal, req, res }) => {
      const headers = checkoutHeaders.safeParse({ 'Idempotency-Key': req.get('idempotency-key') });
      if (!headers.success) throw new Problem('idempotency-key-missing');
      const result = await orders.checkOut(checkoutInput(principal!.subject, headers.data['Idempotency-Key'], body));
      metrics.checkoutAnswered(result);
      answer(result, res);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/orders/:orderId',
      operationId: 'getOrder',
      summary: "An order's state, lines, totals, payment, parcels (carrier, tracking, label, history), payment ledger and timeline",
      description: "The order's state from its workflow; its parcels and the movements of its money from the database, which holds them.",
      tag: 'Checkout',
      roles: ['customer', 'support', 'admin'],
      params: orderIdParam,
      responses: { 200: { description: 'The order', schema: orderDetails }, 404: { description: 'No such order (or not yours)', problems: ['not-found'] } },
    },
    async ({ params, principal, res }) => {
      res.json(await loadOrderDetails(db, await orders.view(params.orderId, principal!), principal!));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/orders/:orderId/cancel',
      operationId: 'cancelOwnOrder',
      summary: 'Cancel your order (until anything has shipped)',
      tag: 'Checkout',
      roles: ['customer'],
      params: orderIdParam,
      body: supportRequest,
      responses: {
        200: { description: 'Cancelled: stock released, payment voided' },
        404: { description: 'No such order (or not yours)', problems: ['not-found'] },
        409: { description: 'Not cancellable now, with the reason as the problem type (e.g. already-shipped, order-final)', problems: [...refusalCodes] },
      },
    },
    async ({ params, principal, body, res }) => {
      const request = { actor: { id: principal!.subject, role: 'customer' as const }, reason: body.reason };
      res.json(await orders.request(params.orderId, principal!, cancelOrderUpdate, request));
    },
  );
}
