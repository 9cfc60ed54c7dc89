import { createHash } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { z } from 'zod';
import { orderWorkflowId, type OrderInput, type ProcessOrderWorkflow } from '../../workflows/order/order.messages';
import { CustomerId, OrderId, OrderStatus } from '../../workflows/shared/search-attributes';
import type { checkoutBody } from './order-schemas';

/**
 * The order id is derived from the customer and their Idempotency-Key, so the workflow id
 * `order-<orderId>` is the idempotency guard: Temporal refuses a second checkout under it.
 */
export function orderIdFor(subject: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${subject}\n${idempotencyKey}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID, so it fits the uuid column.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The checkout workflow's input for a validated request: ids and the body's hash derived, billing defaulted. */
export function checkoutInput(subject: string, idempotencyKey: string, body: z.output<typeof checkoutBody>): OrderInput {
  const orderId = orderIdFor(subject, idempotencyKey);
  return {
    orderId,
    idempotencyKey,
    requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
    customerSubject: subject,
    request: { ...body, billingAddress: body.billingAddress ?? body.shippingAddress },
  };
}

/**
 * Update-with-start's start half: a duplicate request joins the running checkout, a finished one
 * is never run again, and ops find the run by its ids and summary. The workflow type and task
 * queue are parameters so the checkout benchmark's skeleton starts exactly the same way.
 */
export function startCheckoutOperation<T extends ProcessOrderWorkflow>(
  workflowType: string,
  taskQueue: string,
  input: OrderInput,
): WithStartWorkflowOperation<T> {
  const { orderId, customerSubject, request } = input;
  return new WithStartWorkflowOperation<T>(workflowType, {
    workflowId: orderWorkflowId(orderId),
    taskQueue,
    args: [input] as Parameters<T>,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: OrderId, value: orderId },
      { key: CustomerId, value: customerSubject },
      { key: OrderStatus, value: 'PENDING' },
    ],
    memo: { requestHash: input.requestHash },
    staticSummary: `Order ${orderId} for ${customerSubject}`,
    staticDetails: `Checkout of cart ${request.cartId}, ${request.shippingSpeed} shipping to ${request.shippingAddress.city}, ${request.shippingAddress.country}, paid by ${request.paymentMethod.provider}`,
  });
}
