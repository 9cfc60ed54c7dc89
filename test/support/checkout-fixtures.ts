import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { startCheckoutOperation } from '../../api/orders/checkout-start';
import { processOrderWorkflowType, submitCheckoutUpdate, type OrderInput, type CheckoutResult } from '../../workflows/order/order.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { createStockedSku, uniqueId, type StockedSku } from './db-fixtures';
import { addToCart, createCart } from './cart-fixtures';
import type { TestApp } from './test-app';
import { testStack } from './test-stack';

export const usAddress = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

export interface Shopper {
  subject: string;
  bearer: string;
  email: string;
}

/** A customer never seen before (a first order), with their own token. */
export async function newShopper(t: TestApp): Promise<Shopper> {
  const subject = `customer-${randomUUID()}`;
  return { subject, bearer: await t.bearer('customer', subject), email: `${subject}@example.com` };
}

/** A customer cart holding `quantity` of a fresh SKU with `onHand` in stock. */
export async function cartWith(t: TestApp, shopper: Shopper, { onHand = 10, quantity = 1, price = 2500 } = {}): Promise<{ cartId: string; sku: StockedSku }> {
  const sku = await createStockedSku(t.deps.db, onHand, price);
  const cartId = await createCart(t.app, shopper.bearer);
  const added = await addToCart(t.app, cartId, sku.sku, quantity, shopper.bearer);
  assert.equal(added.status, 200, JSON.stringify(added.body));
  return { cartId, sku };
}

export function checkoutBody(shopper: Shopper, cartId: string, overrides: Record<string, unknown> = {}) {
  return {
    cartId,
    email: shopper.email,
    shippingAddress: usAddress,
    shippingSpeed: 'standard',
    paymentMethod: { provider: 'manual' },
    ...overrides,
  };
}

export function postCheckout(t: TestApp, shopper: Shopper, body: object, idempotencyKey: string | null = uniqueId('key')) {
  const req = request(t.app).post('/checkout').set('Authorization', shopper.bearer).send(body);
  return idempotencyKey === null ? req : req.set('Idempotency-Key', idempotencyKey);
}

/** What the storefront asks of checkout, paying by the manual provider unless told otherwise. */
export function checkoutRequest(shopper: Shopper, cartId: string, paymentMethod: OrderInput['request']['paymentMethod'] = { provider: 'manual' }): OrderInput['request'] {
  return { cartId, email: shopper.email, shippingAddress: usAddress, billingAddress: usAddress, shippingSpeed: 'standard', paymentMethod };
}

/**
 * Starts the checkout workflow the way the API does (update-with-start, manual payment) and returns its first answer.
 * Given another client (the time-skipping test server has no update-with-start), it starts the same run, then submits.
 */
export async function startCheckout(shopper: Shopper, cartId: string, overrides: Partial<OrderInput> = {}, client?: Client): Promise<CheckoutResult> {
  const orderId = randomUUID();
  const input: OrderInput = {
    orderId,
    idempotencyKey: orderId,
    requestHash: 'test',
    customerSubject: shopper.subject,
    request: checkoutRequest(shopper, cartId),
    ...overrides,
  };
  const start = startCheckoutOperation(processOrderWorkflowType, taskQueues.orders, input);
  if (client) {
    const handle = await client.workflow.start(start.workflowTypeOrFunc, start.options);
    return handle.executeUpdate(submitCheckoutUpdate, { args: ['test'] });
  }
  return testStack().temporal.client.workflow.executeUpdateWithStart(submitCheckoutUpdate, { args: ['test'], startWorkflowOperation: start });
}
