import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { EXPIRED_CHECKOUT_REASON } from '../../activities/inventory/settle-expired-reservations';
import type { OrderStatus } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { reserveStock } from '../../db/reservations';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { releaseExpiredReservationsWorkflowType, type ReleaseExpiredReservationsWorkflow } from '../../workflows/housekeeping/release-expired-reservations.messages';
import { productSyncWorkflowId } from '../../workflows/search/sync-product-search.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, newShopper, startCheckout } from '../support/checkout-fixtures';
import { createOrder, createStockedSku, uniqueId, type StockedSku } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

describe('expired reservation sweep (real Temporal, PostgreSQL, Redis)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let workers: RunningTestWorkers;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
  });
  after(async () => {
    await workers.stop();
    await t.close();
  });

  const client = () => testStack().temporal.client;
  const db = () => t.deps.db;
  const HOUR_MS = 60 * 60 * 1000;

  const sweep = () =>
    client().workflow.execute<ReleaseExpiredReservationsWorkflow>(releaseExpiredReservationsWorkflowType, {
      workflowId: uniqueId('expired-reservation-sweep-test'),
      taskQueue: taskQueues.inventory,
      args: [],
    });

  /** An order (no workflow) in `status` holding `quantity` of the SKU, its reservation expiring at `expiresAt`. */
  async function orderHolding(sku: StockedSku, quantity: number, status: OrderStatus, expiresAt: Date): Promise<string> {
    const order = await createOrder(db());
    const reserved = await reserveStock(db(), order.id, [{ sku: sku.sku, warehouseId: sku.warehouseId, quantity }], expiresAt);
    assert.equal(reserved.kind, 'reserved');
    await db().updateTable('orders').set({ status }).where('id', '=', order.id).execute();
    return order.id;
  }

  const expiredAgo = () => new Date(Date.now() - HOUR_MS);
  const reserved = async (sku: StockedSku) =>
    (await db().selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).where('warehouse_id', '=', sku.warehouseId).executeTakeFirstOrThrow()).reserved;
  const reservationStatus = async (orderId: string) =>
    (await db().selectFrom('inventory_reservations').select('status').where('order_id', '=', orderId).executeTakeFirstOrThrow()).status;
  const order = (orderId: string) => db().selectFrom('orders').select(['status', 'status_reason']).where('id', '=', orderId).executeTakeFirstOrThrow();

  /** Everything the sweep may touch for these orders and SKUs, to compare runs. */
  async function snapshot(orderIds: string[], skus: StockedSku[]) {
    const [reservations, orders, inventory] = await Promise.all([
      db().selectFrom('inventory_reservations').select(['order_id', 'sku', 'status', 'quantity']).where('order_id', 'in', orderIds).orderBy('order_id').execute(),
      db().selectFrom('orders').select(['id', 'status', 'status_reason']).where('id', 'in', orderIds).orderBy('id').execute(),
      db().selectFrom('inventory').select(['sku', 'on_hand', 'reserved', 'version']).where('sku', 'in', skus.map((s) => s.sku)).orderBy('sku').execute(),
    ]);
    return { reservations, orders, inventory };
  }

  async function assertSecondSweepChangesNothing(orderIds: string[], skus: StockedSku[]): Promise<void> {
    const before = await snapshot(orderIds, skus);
    await sweep();
    assert.deepEqual(await snapshot(orderIds, skus), before);
    assert.deepEqual(await findInventoryDrift(db(), { skus: skus.map((s) => s.sku) }), []);
  }

  it('releases expired stock of rejected and cancelled orders by exactly its quantity, and keeps stock that has not expired', async () => {
    // The sweep sees the whole database: settle what earlier suites left, so the counts below are this test's.
    const baseline = await sweep();
    const sku = await createStockedSku(db(), 10);
    const cancelled = await orderHolding(sku, 2, 'cancelled', expiredAgo());
    const rejected = await orderHolding(sku, 1, 'rejected', expiredAgo());
    const notExpired = await orderHolding(sku, 3, 'cancelled', new Date(Date.now() + HOUR_MS));
    assert.equal(await reserved(sku), 6);

    const result = await sweep();

    assert.deepEqual(result, { released: 2, ended: 0, kept: baseline.kept, escalated: baseline.escalated });
    assert.equal(await reserved(sku), 3);
    assert.equal(await reservationStatus(cancelled), 'released');
    assert.equal(await reservationStatus(rejected), 'released');
    assert.equal(await reservationStatus(notExpired), 'reserved');
    assert.equal((await order(cancelled)).status, 'cancelled');
    // The stock change was announced: the product's search sync was woken.
    const sync = await client().workflow.getHandle(productSyncWorkflowId(sku.productId)).describe();
    assert.equal(sync.type, 'syncProductSearch');
    assert.deepEqual(await findInventoryDrift(db(), { skus: [sku.sku] }), []);

    await assertSecondSweepChangesNothing([cancelled, rejected, notExpired], [sku]);
  });

  it('ends a pending or on-hold order whose workflow does not exist, releasing its stock; keeps a confirmed one for ops', async () => {
    const baseline = await sweep();
    const sku = await createStockedSku(db(), 10);
    const pending = await orderHolding(sku, 1, 'pending', expiredAgo());
    const onHold = await orderHolding(sku, 2, 'on_hold', expiredAgo());
    const confirmed = await orderHolding(sku, 4, 'confirmed', expiredAgo());

    const result = await sweep();

    assert.deepEqual(result, { released: 2, ended: 2, kept: baseline.kept, escalated: baseline.escalated + 1 });
    assert.equal(await reservationStatus(pending), 'released');
    assert.equal(await reservationStatus(onHold), 'released');
    // pending has no transition to cancelled: a checkout that never decided is rejected, as when it fails.
    assert.deepEqual(await order(pending), { status: 'rejected', status_reason: EXPIRED_CHECKOUT_REASON });
    assert.deepEqual(await order(onHold), { status: 'cancelled', status_reason: EXPIRED_CHECKOUT_REASON });
    const emails = await db().selectFrom('notifications').select(['order_id', 'template']).where('order_id', 'in', [pending, onHold]).execute();
    assert.deepEqual(emails, [{ order_id: onHold, template: 'order-cancelled' }]);
    assert.equal(await reservationStatus(confirmed), 'reserved');
    assert.equal((await order(confirmed)).status, 'confirmed');
    assert.equal(await reserved(sku), 4);
    assert.deepEqual(await findInventoryDrift(db(), { skus: [sku.sku] }), []);

    await assertSecondSweepChangesNothing([pending, onHold, confirmed], [sku]);
  });

  it('keeps expired stock while the order workflow runs, and releases it once an operator terminated the workflow', async () => {
    const shopper = { ...(await newShopper(t)), email: `${randomUUID()}@mailinator.com` };
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const held = await startCheckout(shopper, cartId);
    assert.equal(held.status, 'on_hold', JSON.stringify(held));
    const confirmedShopper = await newShopper(t);
    const confirmedCart = await cartWith(t, confirmedShopper, { onHand: 5, quantity: 1 });
    const confirmed = await startCheckout(confirmedShopper, confirmedCart.cartId);
    assert.equal(confirmed.status, 'confirmed', JSON.stringify(confirmed));
    await db()
      .updateTable('inventory_reservations')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('order_id', 'in', [held.orderId, confirmed.orderId])
      .execute();

    await sweep();

    assert.equal(await reservationStatus(held.orderId), 'reserved');
    assert.equal(await reservationStatus(confirmed.orderId), 'reserved');
    assert.equal((await order(held.orderId)).status, 'on_hold');
    assert.equal(await reserved(sku), 2);

    await client().workflow.getHandle(orderWorkflowId(held.orderId)).terminate('test: an operator ended the run');
    await sweep();

    assert.equal(await reservationStatus(held.orderId), 'released');
    assert.deepEqual(await order(held.orderId), { status: 'cancelled', status_reason: EXPIRED_CHECKOUT_REASON });
    assert.equal(await reserved(sku), 0);
    assert.equal(await reservationStatus(confirmed.orderId), 'reserved');
    assert.deepEqual(await findInventoryDrift(db(), { skus: [sku.sku, confirmedCart.sku.sku] }), []);

    await assertSecondSweepChangesNothing([held.orderId, confirmed.orderId], [sku, confirmedCart.sku]);
  });
});
