import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Response } from 'express';
import {
  cancelOrderUpdate,
  checkoutWorkflowType,
  orderStatusQuery,
  orderWorkflowId,
  submitCheckoutUpdate,
  type CheckoutResult,
  type CheckoutWorkflow,
  type OrderView,
} from '../../workflows/order/order.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { checkoutInput, startCheckoutOperation } from '../orders/checkout-start';
import { checkoutBody, orderIdParam, supportRequest } from '../orders/order-schemas';
import { Problem, type ProblemType } from '../http/problem';
import type { Principal } from '../http/tokens';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;


const rejectionProblems: Record<string, ProblemType> = {
  OutOfStock: 'out-of-stock',
  PriceChanged: 'price-changed',
  PaymentDeclined: 'payment-declined',
  RiskRejected: 'risk-rejected',
  AddressUndeliverable: 'address-undeliverable',
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

/** The view a customer may see of their own order; anyone else gets a 404, as if it did not exist. */
export async function orderView(temporal: Client, orderId: string, principal: Principal): Promise<OrderView> {
  try {
    const view = await temporal.workflow.getHandle(orderWorkflowId(orderId)).query(orderStatusQuery);
    if (principal.role === 'customer' && view.customerSubject !== principal.subject) throw new Problem('not-found', `No order ${orderId}.`);
    return view;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new Problem('not-found', `No order ${orderId}.`);
    throw error;
  }
}

/** A workflow update refused by its validator becomes a 409 with the workflow's reason. */
export function refusal(error: unknown): Problem | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  return new Problem('order-action-refused', cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : error.message);
}

const RESOURCE_EXHAUSTED = 8;
const isServiceError = (error: unknown): error is Error & { code: number } => typeof (error as { code?: unknown }).code === 'number';

export function checkoutRoutes(api: ApiRouter, { temporal }: AppDeps): void {
  // Identical requests arriving together at this instance share one update: Temporal allows only
  // a few updates in flight per workflow, and a retrying client should not use them all up.
  const running = new Map<string, Promise<CheckoutResult>>();
  const inFlight = (key: string, call: () => Promise<CheckoutResult>): Promise<CheckoutResult> => {
    const existing = running.get(key);
    if (existing) return existing;
    const started = call().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };

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
      body: checkoutBody,
      responses: {
        201: { description: 'Confirmed' },
        202: { description: 'Held for risk review; support decides' },
        400: { description: 'Invalid body or no Idempotency-Key', problems: ['validation-failed', 'idempotency-key-missing'] },
        402: { description: 'Payment declined', problems: ['payment-declined'] },
        409: { description: 'Out of stock, prices changed, or the same checkout still running', problems: ['out-of-stock', 'price-changed', 'checkout-in-progress'] },
        422: { description: 'Key reused, cart empty, or risk rejected', problems: ['idempotency-key-reused', 'cart-empty', 'risk-rejected', 'address-undeliverable'] },
        503: { description: 'Checkout could not complete; nothing was charged', problems: ['checkout-failed'] },
      },
    },
    async ({ body, principal, req, res }) => {
      const key = req.get('idempotency-key');
      if (!key || !IDEMPOTENCY_KEY.test(key)) throw new Problem('idempotency-key-missing');
      const input = checkoutInput(principal!.subject, key, body);
      const { orderId, requestHash: hash } = input;
      const workflowId = orderWorkflowId(orderId);
      const start = startCheckoutOperation<CheckoutWorkflow>(checkoutWorkflowType, taskQueues.orders, input);
      let result: CheckoutResult;
      try {
        result = await inFlight(`${workflowId}/${hash}`, () =>
          temporal.workflow.executeUpdateWithStart(submitCheckoutUpdate, { args: [hash], startWorkflowOperation: start }),
        );
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          // The checkout under this key has finished: its answer stands.
          const handle = temporal.workflow.getHandle<CheckoutWorkflow>(workflowId);
          const { memo } = await handle.describe();
          if (memo?.requestHash !== hash) throw new Problem('idempotency-key-reused');
          result = await handle.result();
        } else if (error instanceof WorkflowUpdateFailedError) {
          throw new Problem('idempotency-key-reused', (error.cause as Error | undefined)?.message);
        } else if (isServiceError(error) && error.code === RESOURCE_EXHAUSTED) {
          // Temporal caps concurrent updates per workflow; past it, duplicates are told to come back.
          throw new Problem('checkout-in-progress', undefined, { orderId }, { 'Retry-After': '1' });
        } else {
          throw error;
        }
      }
      answer(result, res);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/orders/:orderId',
      operationId: 'getOrder',
      summary: "An order's state, lines, totals, payment, reservations and timeline",
      tag: 'Checkout',
      roles: ['customer', 'support', 'admin'],
      params: orderIdParam,
      responses: { 200: { description: 'The order' }, 404: { description: 'No such order (or not yours)', problems: ['not-found'] } },
    },
    async ({ params, principal, res }) => {
      res.json(await orderView(temporal, params.orderId, principal!));
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
        409: { description: 'Not cancellable now (e.g. shipped), with the reason', problems: ['order-action-refused'] },
      },
    },
    async ({ params, principal, body, res }) => {
      await orderView(temporal, params.orderId, principal!);
      try {
        const view = await temporal.workflow
          .getHandle(orderWorkflowId(params.orderId))
          .executeUpdate(cancelOrderUpdate, { args: [{ actor: { id: principal!.subject, role: 'customer' }, reason: body.reason }] });
        res.json(view);
      } catch (error) {
        throw refusal(error) ?? error;
      }
    },
  );
}
