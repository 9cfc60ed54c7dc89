import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import type { OrderInput } from '../../workflows/order/order.messages';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutRequest, newShopper, startCheckout, type Shopper } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack, withWorkers } from '../support/test-stack';
import { createTestWorkers } from '../support/test-workers';

/**
 * Every way a card order ends before it ships releases its authorization at Stripe: checked on
 * the PaymentIntent the sandbox keeps, not only on our payments row.
 */
describe('card orders that end early release the authorization at Stripe (workflow, SDK, sandbox)', function () {
  this.timeout(120_000);
  const sandbox = stripeSandbox();
  let t: TestApp;
  let db: Kysely<Database>;

  before(async () => {
    t = createTestApp();
    db = t.deps.db;
    await redisReady(t.deps.redis);
  });
  after(() => t.close());

  const byCard = (shopper: Shopper, cartId: string): Partial<OrderInput> => ({ request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }) });

  /** The one PaymentIntent the order created is canceled at the sandbox, our row says so, and stock is back. */
  async function assertReleasedAtStripe(orderId: string, sku: string): Promise<void> {
    const creates = await sandbox.requests({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: `order-${orderId}/` });
    const intentIds = new Set(creates.map((c) => String(c.response?.id)));
    assert.equal(intentIds.size, 1, 'one PaymentIntent for the order');
    const intent = await sandbox.paymentIntent([...intentIds][0]!);
    assert.deepEqual({ status: intent.status, capturable: intent.amount_capturable, received: intent.amount_received }, { status: 'canceled', capturable: 0, received: 0 });
    const payments = await db.selectFrom('payments').select('status').where('order_id', '=', orderId).execute();
    assert.deepEqual(payments, [{ status: 'cancelled' }]);
    assert.equal((await db.selectFrom('inventory').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved, 0);
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
  }

  it('the authorization took effect but its answer was lost: the compensation finds and cancels it', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const workers = await createTestWorkers({
      activityOverrides: (real) => ({
        authorizePayment: async (...args: Parameters<typeof real.orders.authorizePayment>) => {
          await real.orders.authorizePayment(...args);
          throw ApplicationFailure.nonRetryable('injected: the answer was lost after the authorization', 'InjectedFault');
        },
      }),
    });
    try {
      const result = await withWorkers(workers.workers, () => startCheckout(shopper, cartId, byCard(shopper, cartId)));
      assert.equal(result.status, 'failed', JSON.stringify(result));
      await assertReleasedAtStripe(result.orderId, sku.sku);
    } finally {
      await workers.close();
    }
  });

  it('a step after the authorization fails for good: the saga releases the authorization', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const workers = await createTestWorkers({
      activityOverrides: (real) => ({
        setOrderStatus: async (input: Parameters<typeof real.orders.setOrderStatus>[0]) => {
          if (input.status === 'confirmed') throw ApplicationFailure.nonRetryable('injected: the confirmation cannot be written', 'InjectedFault');
          return real.orders.setOrderStatus(input);
        },
      }),
    });
    try {
      const result = await withWorkers(workers.workers, () => startCheckout(shopper, cartId, byCard(shopper, cartId)));
      assert.equal(result.status, 'failed', JSON.stringify(result));
      await assertReleasedAtStripe(result.orderId, sku.sku);
      const order = await db.selectFrom('orders').select('status').where('id', '=', result.orderId).executeTakeFirstOrThrow();
      assert.equal(order.status, 'rejected');
    } finally {
      await workers.close();
    }
  });

  it('nobody reviews a held card order by its deadline: the authorization is released', async () => {
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 4, quantity: 3 });
    const workers = await createTestWorkers();
    const final = await withWorkers(workers.workers, async () => {
      const first = await startCheckout(shopper, cartId, { ...byCard(shopper, cartId), reviewTimeout: '2 seconds' });
      assert.equal(first.status, 'on_hold', JSON.stringify(first));
      return testStack().temporal.client.workflow.getHandle(orderWorkflowId(first.orderId)).result();
    });
    await workers.close();
    await assertReleasedAtStripe(final.orderId, sku.sku);
  });
});
