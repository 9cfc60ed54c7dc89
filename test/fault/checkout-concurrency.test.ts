import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderWorkflowId, processOrderWorkflowType } from '../../workflows/order/order.messages';
import { addToCart, createCart, redisReady } from '../support/cart-fixtures';
import { checkoutBody, newShopper, type Shopper } from '../support/checkout-fixtures';
import { createStockedSku, uniqueId } from '../support/db-fixtures';
import { paymentIntentIds, stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('checkout under concurrency (real workers, Temporal, PostgreSQL, Redis, the Stripe sandbox)', () => {
  const sandbox = stripeSandbox();
  let t: TestApp;
  let workers: RunningTestWorkers;
  let server: Server;
  let baseUrl: string;

  before(async () => {
    // The burst below is one shopper retrying under one key: it proves idempotency, so the
    // per-customer checkout budget (proven in rate-limits-api.test.ts) must not cut it short.
    const config = testConfig();
    t = createTestApp({ config: { ...config, rateLimits: { ...config.rateLimits, checkout: 1000 } } });
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    // One real listener for the burst: supertest would open a server per request.
    server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([workers.stop(), t.close()]);
  });

  const checkout = async (shopper: Shopper, body: object, idempotencyKey: string): Promise<Answer> => {
    const res = await fetch(`${baseUrl}/checkout`, {
      method: 'POST',
      headers: { Authorization: shopper.bearer, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** Runs `task` over `items`, `width` at a time: filling 200 carts is setup, not the load under test. */
  async function inBatches<T, R>(items: T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
    return results;
  }

  it('sells the last unit once when 200 shoppers check it out at the same moment', async function () {
    this.timeout(180_000);
    const buyers = 200;
    const sku = await createStockedSku(t.deps.db, buyers, 1500);
    const carts = await inBatches(
      Array.from({ length: buyers }, () => null),
      20,
      async () => {
        const shopper = await newShopper(t);
        const cartId = await createCart(t.app, shopper.bearer);
        const added = await addToCart(t.app, cartId, sku.sku, 1, shopper.bearer);
        assert.equal(added.status, 200, JSON.stringify(added.body));
        return { shopper, cartId, key: uniqueId('key') };
      },
    );
    // Down to the last unit after the carts were filled, through the ledger as a stock count would.
    await t.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('inventory').set({ on_hand: 1 }).where('sku', '=', sku.sku).where('warehouse_id', '=', sku.warehouseId).execute();
      await trx
        .insertInto('inventory_movements')
        .values({ sku: sku.sku, warehouse_id: sku.warehouseId, quantity_delta: 1 - buyers, reason: 'adjustment', reference_type: 'test', reference_id: uniqueId('adj') })
        .execute();
    });

    const answers = await Promise.all(carts.map(({ shopper, cartId, key }) => checkout(shopper, checkoutBody(shopper, cartId), key)));

    const confirmed = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    assert.equal(confirmed.length, 1, JSON.stringify(answers.filter((a) => a.status !== 409)));
    assert.equal(refused.length, buyers - 1, JSON.stringify(answers.filter((a) => a.status !== 409 && a.status !== 201).slice(0, 3)));
    for (const { body } of refused) {
      assert.equal(body.type, '/problems/out-of-stock', JSON.stringify(body));
      assert.equal(body.reason, 'OutOfStock');
    }
    const winner = confirmed[0]!.body;
    assert.equal(winner.status, 'confirmed');
    const orderIds = answers.map((a) => String(a.body.orderId));
    assert.equal(new Set(orderIds).size, buyers, 'every shopper got an order of their own');

    const orders = await t.deps.db
      .selectFrom('orders as o')
      .innerJoin('order_items as i', 'i.order_id', 'o.id')
      .select(['o.id', 'o.status'])
      .where('i.sku', '=', sku.sku)
      .execute();
    assert.equal(orders.length, buyers);
    assert.deepEqual(new Set(orders.map((o) => o.id)), new Set(orderIds));
    assert.deepEqual(
      orders.filter((o) => o.status === 'confirmed').map((o) => o.id),
      [winner.orderId],
    );
    assert.equal(orders.filter((o) => o.status === 'rejected').length, buyers - 1);

    const stock = await t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku.sku).executeTakeFirstOrThrow();
    assert.deepEqual(stock, { on_hand: 1, reserved: 1 });
    const reservations = await t.deps.db
      .selectFrom('inventory_reservations')
      .select(['order_id', 'quantity', 'status'])
      .where('sku', '=', sku.sku)
      .execute();
    assert.deepEqual(reservations, [{ order_id: winner.orderId, quantity: 1, status: 'reserved' }]);
    assert.deepEqual(await findInventoryDrift(t.deps.db, { skus: [sku.sku] }), [], 'on_hand equals the ledger, reserved the active reservations');
  });

  it('answers 100 identical concurrent requests under one Idempotency-Key with one order, one workflow and one authorization', async function () {
    this.timeout(120_000);
    const shopper = await newShopper(t);
    const sku = await createStockedSku(t.deps.db, 10, 4200);
    const cartId = await createCart(t.app, shopper.bearer);
    const added = await addToCart(t.app, cartId, sku.sku, 2, shopper.bearer);
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const key = uniqueId('key');
    const body = checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } });

    const answers = await Promise.all(Array.from({ length: 100 }, () => checkout(shopper, body, key)));

    const first = answers[0]!;
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'confirmed');
    const orderId = String(first.body.orderId);
    for (const answer of answers) assert.deepEqual(answer, first);

    const orders = await t.deps.db.selectFrom('orders').select(['id', 'status']).where('idempotency_key', '=', `${shopper.subject}/${key}`).execute();
    assert.deepEqual(orders, [{ id: orderId, status: 'confirmed' }]);
    const stock = await t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku.sku).executeTakeFirstOrThrow();
    assert.deepEqual(stock, { on_hand: 10, reserved: 2 });

    const runs = await visibleRuns(`WorkflowId="${orderWorkflowId(orderId)}"`);
    assert.equal(runs.length, 1, JSON.stringify(runs));
    assert.deepEqual(await visibleRuns(`OrderId="${orderId}" AND WorkflowType="${processOrderWorkflowType}"`), runs);

    const provider = await sandbox.requests({ idempotencyKeyPrefix: `${orderWorkflowId(orderId)}/` });
    assert.deepEqual(
      provider.map((r) => [r.method, r.path, r.idempotencyKey]),
      [['POST', '/v1/payment_intents', `${orderWorkflowId(orderId)}/authorize`]],
      'one PaymentIntent create reached the provider',
    );
    const [paymentIntentId] = paymentIntentIds(provider);
    const total = (first.body.totals as { total: { amount: number } }).total.amount;
    const payments = await t.deps.db.selectFrom('payments').select(['status', 'external_id', 'authorized_amount']).where('order_id', '=', orderId).execute();
    assert.deepEqual(payments, [{ status: 'authorized', external_id: paymentIntentId, authorized_amount: total }]);
    const intent = await sandbox.paymentIntent(paymentIntentId!);
    assert.deepEqual([intent.status, intent.amount_capturable, intent.metadata.orderId], ['requires_capture', total, orderId]);
  });

  /** Run ids the visibility store lists for a query; it indexes asynchronously, so wait (bounded) for the first. */
  async function visibleRuns(query: string): Promise<string[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const runs: string[] = [];
      for await (const execution of testStack().temporal.client.workflow.list({ query })) runs.push(execution.runId);
      if (runs.length > 0 || Date.now() > deadline) return runs.sort();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});
