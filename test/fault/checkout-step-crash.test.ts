import assert from 'node:assert/strict';
import type { Transaction } from 'kysely';
import { orderIdFor } from '../../api/orders/checkout-start';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { localActivityMarker } from '../../platform/local-activity-marker';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { addToCart, redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, type Shopper } from '../support/checkout-fixtures';
import { createOrder, createStockedSku, uniqueId, type StockedSku } from '../support/db-fixtures';
import { holdLock, type HeldLock } from '../support/hold-lock';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testStack } from '../support/test-stack';
import { workerProcesses } from '../support/worker-process';
import { within } from '../support/within';

interface Checkout {
  shopper: Shopper;
  orderId: string;
  skus: StockedSku[];
}

interface StepPause {
  /** The local activity the kill cuts off. */
  activity: string;
  /** The statement the step is paused at. */
  statement: RegExp;
  /** Takes a lock before checkout starts; once checkout runs, `paused` answers the lock the step waits on. */
  pause(checkout: Checkout, db: TestApp['deps']['db']): Promise<{ paused(): Promise<HeldLock> }>;
}

const lockStock = (sku: string) => (trx: Transaction<Database>) => trx.selectFrom('inventory').select('sku').where('sku', '=', sku).forUpdate().executeTakeFirstOrThrow();

/**
 * Each step is paused by a lock on a row it needs, held from outside the app, so production code
 * has no hook: the step is provably running (its statement waits on the lock) when the worker dies.
 */
const pauses: StepPause[] = [
  {
    activity: 'reserveStock',
    statement: /update "inventory" set "reserved"/,
    // The reservation's transaction waits on the row; it never commits once its worker is gone.
    pause: async ({ skus }, db) => {
      const stock = await holdLock(db, lockStock(skus[0]!.sku));
      return { paused: async () => stock };
    },
  },
  {
    activity: 'createOrder',
    statement: /insert into "orders"/,
    // An uncommitted row under the order's id: the insert waits to see whether it conflicts. Once the
    // lock goes, the dead worker's insert commits on its own: the step took effect and its answer was lost.
    pause: async ({ orderId }, db) => {
      const row = await holdLock(db, (trx) => createOrder(trx, { id: orderId, idempotencyKey: uniqueId('placeholder') }));
      return { paused: async () => row };
    },
  },
  {
    activity: 'setOrderStatus',
    statement: /update "orders" set "status"/,
    // The row exists once checkout reserves stock: hold the reservation there, lock the order row for
    // updates (reservations and payments only need its key), then let checkout on to the status change.
    pause: async ({ orderId, skus }, db) => {
      const stock = await holdLock(db, lockStock(skus[0]!.sku));
      return {
        paused: async () => {
          assert.match((await stock.blocking()).join('\n'), /update "inventory" set "reserved"/);
          const row = await holdLock(db, (trx) => trx.selectFrom('orders').select('id').where('id', '=', orderId).forNoKeyUpdate().executeTakeFirstOrThrow());
          await stock.release();
          return row;
        },
      };
    },
  },
];

// No in-process workers here: the worker processes started below are the only ones serving the task queues.
describe('checkout when the worker process is killed mid-step: reservation, order creation, status change (workers/main.ts, SIGKILL)', function () {
  this.timeout(240_000);
  let t: TestApp;
  const workers = workerProcesses({ stripeApiBase: () => testConfig().stripe.apiBase ?? 'http://127.0.0.1:1' });

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
  });
  after(async function () {
    this.timeout(60_000);
    await workers.stopAll();
    await t.close();
  });

  const stockOf = (sku: string) => t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).executeTakeFirstOrThrow();

  for (const step of pauses) {
    it(`killed during ${step.activity}: the acknowledged order ends confirmed once, with one reservation per line, and stock reconciles`, async () => {
      const shopper = await newShopper(t);
      const first = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 1500 });
      const second = await createStockedSku(t.deps.db, 4, 700);
      assert.equal((await addToCart(t.app, first.cartId, second.sku, 1, shopper.bearer)).status, 200);
      const key = uniqueId('key');
      const checkout = { shopper, orderId: orderIdFor(shopper.subject, key), skus: [first.sku, second] };

      // The worker serving the queues now: the one the previous test restarted, or a new one.
      const worker = await workers.running();
      const pause = await step.pause(checkout, t.deps.db);
      // then() sends the request now; it waits for the answer through the crash and the retry.
      const answer = postCheckout(t, shopper, checkoutBody(shopper, first.cartId), key).then((res) => res);
      const lock = await pause.paused();
      const waiting = await within(lock.blocking(), 90_000, `checkout never reached ${step.activity}; worker output:\n${worker.output()}`);
      assert.equal(waiting.length, 1, JSON.stringify(waiting));
      assert.match(waiting[0]!, step.statement);

      await worker.kill();
      await lock.release();
      await workers.running();
      const res = await within(answer, 120_000, 'checkout did not answer after the worker restarted');

      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'confirmed');
      assert.equal(res.body.orderId, checkout.orderId);
      const { orderId } = checkout;
      const db = t.deps.db;
      const [orders, items, emails, reservations, payments] = await Promise.all([
        db.selectFrom('orders').select(['id', 'status']).where('idempotency_key', '=', `${shopper.subject}/${key}`).execute(),
        db.selectFrom('order_items').select(['sku', 'quantity']).where('order_id', '=', orderId).orderBy('sku').execute(),
        db.selectFrom('notifications').select('template').where('order_id', '=', orderId).execute(),
        db.selectFrom('inventory_reservations').select(['sku', 'quantity', 'status']).where('order_id', '=', orderId).orderBy('sku').execute(),
        db.selectFrom('payments').select(['status', 'authorized_amount']).where('order_id', '=', orderId).execute(),
      ]);
      const lines = [
        { sku: first.sku.sku, quantity: 2 },
        { sku: second.sku, quantity: 1 },
      ].sort((a, b) => a.sku.localeCompare(b.sku));
      assert.deepEqual(orders, [{ id: orderId, status: 'confirmed' }]);
      assert.deepEqual(items, lines);
      assert.deepEqual(emails, [{ template: 'order-confirmed' }], 'confirmed once: one email');
      assert.deepEqual(reservations, lines.map((line) => ({ ...line, status: 'reserved' })));
      assert.deepEqual(payments, [{ status: 'authorized', authorized_amount: res.body.totals.total.amount }]);
      assert.deepEqual(await stockOf(first.sku.sku), { on_hand: 5, reserved: 2 });
      assert.deepEqual(await stockOf(second.sku), { on_hand: 4, reserved: 1 });
      assert.deepEqual(await findInventoryDrift(db, { skus: lines.map((l) => l.sku) }), []);

      // The kill cut the workflow task running the step; the new worker ran it again, and the history holds one result for it.
      const history = await testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
      const events = history.events ?? [];
      assert.equal(events.filter((e) => e.workflowTaskTimedOutEventAttributes).length, 1);
      assert.equal(events.filter((e) => localActivityMarker(e)?.activityType === step.activity).length, 1);
    });
  }
});
