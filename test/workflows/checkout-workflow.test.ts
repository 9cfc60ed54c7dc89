import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import type { createActivities } from '../../workers/create-activities';
import { cancelOrderUpdate, orderStatusQuery, orderWorkflowId } from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { eventually } from '../support/eventually';
import { cartWith, newShopper, startCheckout } from '../support/checkout-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack, withWorkers } from '../support/test-stack';
import { createTestWorkers } from '../support/test-workers';

type Activities = ReturnType<typeof createActivities>['orders'];

describe('checkout workflow: compensation, review deadline, replay (real Temporal, PostgreSQL, Redis)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let db: Kysely<Database>;

  before(async () => {
    t = createTestApp();
    db = t.deps.db;
    await redisReady(t.deps.redis);
  });
  after(() => t.close());

  async function leftovers(orderId: string) {
    const [reservations, payments, order] = await Promise.all([
      db.selectFrom('inventory_reservations').select(['sku', 'status']).where('order_id', '=', orderId).execute(),
      db.selectFrom('payments').select('status').where('order_id', '=', orderId).execute(),
      db.selectFrom('orders').select(['status', 'status_reason']).where('id', '=', orderId).executeTakeFirst(),
    ]);
    return { activeReservations: reservations.filter((r) => r.status === 'reserved').length, authorizedPayments: payments.filter((p) => p.status === 'authorized').length, order };
  }

  /** A step that fails for good: after retries, or after it took effect and its answer was lost. */
  const failing =
    (name: keyof Activities, real: Activities, afterEffect: boolean) =>
    async (...args: unknown[]): Promise<never> => {
      if (afterEffect) await (real[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      throw ApplicationFailure.nonRetryable(`injected failure in ${name}`, 'InjectedFault');
    };

  // [step, fails after it took effect, the order row exists by then]
  const steps: [keyof Activities, boolean, boolean][] = [
    ['snapshotCart', false, false],
    ['currentPrices', false, false],
    ['quoteShipping', false, false],
    ['identifyCustomer', true, false],
    ['createOrder', true, true],
    ['reserveStock', true, true],
    ['authorizePayment', true, true],
  ];

  for (const [step, afterEffect, recorded] of steps) {
    it(`a failure in ${step}${afterEffect ? ' after it took effect' : ''} leaves no reservation, no authorized payment, and a terminal order`, async () => {
      const shopper = await newShopper(t);
      const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
      const workers = await createTestWorkers({ activityOverrides: (real) => ({ [step]: failing(step, real.orders, afterEffect) }) });
      try {
        const result = await withWorkers(workers.workers, () => startCheckout(shopper, cartId));
        assert.equal(result.status, 'failed', JSON.stringify(result));
        const left = await leftovers(result.orderId);
        assert.equal(left.activeReservations, 0);
        assert.equal(left.authorizedPayments, 0);
        // Before the order is recorded there is no row to reject; once it is, the row ends rejected.
        assert.deepEqual(left.order, recorded ? { status: 'rejected', status_reason: 'checkout failed; nothing was charged' } : undefined);
        assert.deepEqual(await findInventoryDrift(db, { skus: [sku.sku] }), []);
        const stock = await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow();
        assert.equal(stock.reserved, 0);
      } finally {
        await workers.close();
      }
    });
  }

  /** Fails with a retryable error `times` times (or always), then does the real work; counts every attempt. */
  const flaky = (name: keyof Activities, real: Activities, times: number) => {
    const attempts = { count: 0 };
    const run = async (...args: unknown[]): Promise<unknown> => {
      attempts.count += 1;
      if (attempts.count <= times) throw ApplicationFailure.retryable(`injected transient failure ${attempts.count} in ${name}`, 'InjectedTransientFault');
      return (real[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
    return { run, attempts };
  };

  it('retries a step that fails twice and then succeeds: the order is confirmed once, with one reservation', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    let reserve: ReturnType<typeof flaky> | undefined;
    const workers = await createTestWorkers({
      activityOverrides: (real) => {
        reserve = flaky('reserveStock', real.orders, 2);
        return { reserveStock: reserve.run };
      },
    });
    try {
      const result = await withWorkers(workers.workers, () => startCheckout(shopper, cartId));
      assert.equal(result.status, 'confirmed', JSON.stringify(result));
      assert.equal(reserve!.attempts.count, 3);
      const reservations = await db.selectFrom('inventory_reservations').select(['quantity', 'status']).where('order_id', '=', result.orderId).execute();
      assert.deepEqual(reservations, [{ quantity: 2, status: 'reserved' }]);
      assert.equal((await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow()).reserved, 2);
      assert.equal((await leftovers(result.orderId)).authorizedPayments, 1);
      assert.deepEqual(await findInventoryDrift(db, { skus: [sku.sku] }), []);
    } finally {
      await workers.close();
    }
  });

  it('compensates a step that keeps failing once its attempts are spent: stock released, nothing authorized, the order rejected', async function () {
    // The bounded policy (8 attempts, backoff to 10 s) is what is under test, so this takes its ~35 s.
    this.timeout(120_000);
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    let authorize: ReturnType<typeof flaky> | undefined;
    const workers = await createTestWorkers({
      activityOverrides: (real) => {
        authorize = flaky('authorizePayment', real.orders, Number.POSITIVE_INFINITY);
        return { authorizePayment: authorize.run };
      },
    });
    try {
      const result = await withWorkers(workers.workers, () => startCheckout(shopper, cartId));
      assert.equal(result.status, 'failed', JSON.stringify(result));
      assert.equal(authorize!.attempts.count, 8);
      const left = await leftovers(result.orderId);
      assert.deepEqual({ reservations: left.activeReservations, authorized: left.authorizedPayments, status: left.order?.status }, { reservations: 0, authorized: 0, status: 'rejected' });
      assert.equal((await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow()).reserved, 0);
      assert.deepEqual(await findInventoryDrift(db, { skus: [sku.sku] }), []);
    } finally {
      await workers.close();
    }
  });

  it('confirms although the side steps after the decision fail: clearing the cart, indexing', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const sideSteps = ['clearOrderedLines', 'indexOrder'] as const;
    const workers = await createTestWorkers({
      activityOverrides: (real) => Object.fromEntries(sideSteps.map((step) => [step, failing(step as keyof Activities, { ...real.orders, ...real.search } as Activities, false)])),
    });
    try {
      const { result, failedSteps } = await withWorkers(workers.workers, async () => {
        const answer = await startCheckout(shopper, cartId);
        // They run after the answer; each failure is noted on the order's timeline.
        const handle = testStack().temporal.client.workflow.getHandle(orderWorkflowId(answer.orderId));
        const notes = await eventually(
          async () => (await handle.query(orderStatusQuery)).timeline.map((entry) => entry.event).filter((event) => event.startsWith('could not')),
          (events) => events.length >= sideSteps.length,
          { what: 'every side step noted as failed' },
        );
        return { result: answer, failedSteps: notes.sort() };
      });
      assert.deepEqual(failedSteps, [
        'could not clear the cart',
        'could not index the order for support search',
      ]);
      assert.equal(result.status, 'confirmed', JSON.stringify(result));
      const stock = await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow();
      assert.equal(stock.reserved, 2);
      assert.equal((await leftovers(result.orderId)).order?.status, 'confirmed');
    } finally {
      await workers.close();
    }
  });

  it('queues the email of each status change with the change itself: confirmed, then cancelled', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper, { onHand: 5, quantity: 1 });
    const emails = async (orderId: string) =>
      (await db.selectFrom('notifications').select(['template', 'recipient']).where('order_id', '=', orderId).execute()).sort((a, b) => a.template.localeCompare(b.template));
    const workers = await createTestWorkers();
    try {
      await withWorkers(workers.workers, async () => {
        const answer = await startCheckout(shopper, cartId);
        assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
        // Queued in the statement that confirmed the order, so it is there when the answer is.
        assert.deepEqual(await emails(answer.orderId), [{ template: 'order-confirmed', recipient: shopper.email }]);

        const handle = testStack().temporal.client.workflow.getHandle(orderWorkflowId(answer.orderId));
        const cancelled = await handle.executeUpdate(cancelOrderUpdate, { args: [{ actor: { id: shopper.subject, role: 'customer' }, reason: 'changed my mind' }] });
        assert.equal(cancelled.status, 'cancelled');
        assert.deepEqual(await emails(answer.orderId), [
          { template: 'order-cancelled', recipient: shopper.email },
          { template: 'order-confirmed', recipient: shopper.email },
        ]);
      });
    } finally {
      await workers.close();
    }
  });

  it('cancels an order nobody reviewed by its deadline, releasing its stock', async () => {
    const shopper = { ...(await newShopper(t)), email: `${randomUUID()}@mailinator.com` };
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 4, quantity: 3 });
    const workers = await createTestWorkers();
    const final = await withWorkers(workers.workers, async () => {
      const first = await startCheckout(shopper, cartId, { reviewTimeout: '2 seconds' });
      assert.equal(first.status, 'on_hold');
      return testStack().temporal.client.workflow.getHandle(orderWorkflowId(first.orderId)).result();
    });
    await workers.close();
    const left = await leftovers(final.orderId);
    assert.equal(left.order?.status, 'cancelled');
    assert.match(left.order?.status_reason ?? '', /deadline/);
    assert.equal(left.activeReservations, 0);
    assert.equal(left.authorizedPayments, 0);
    const stock = await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow();
    assert.equal(stock.reserved, 0);

    const history = await testStack().temporal.client.workflow.getHandle(orderWorkflowId(final.orderId)).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle }, history);
  });
});
