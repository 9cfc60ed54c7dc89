import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import {
  cancelOrderUpdate,
  holdOrderUpdate,
  orderStatusQuery,
  orderWorkflowId,
  releaseOrderUpdate,
  submitCheckoutUpdate,
  type SupportRequest,
} from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, newShopper, startCheckout } from '../support/checkout-fixtures';
import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack, withWorkers } from '../support/test-stack';
import { createTestWorkers } from '../support/test-workers';

describe('checkout workflow: a long-waiting order continues as new (real Temporal, PostgreSQL, Redis)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let db: Kysely<Database>;

  before(async () => {
    t = createTestApp();
    db = t.deps.db;
    await redisReady(t.deps.redis);
  });
  after(() => t.close());

  it('carries its state, answer and search attributes into the next run, and is still cancelled there in one piece', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const support: SupportRequest = { actor: { id: 'support-7', role: 'support' }, reason: 'customer asked to wait' };
    const workers = await createTestWorkers();
    try {
      await withWorkers(workers.workers, async () => {
        const client = testStack().temporal.client;
        // A low bound stands in for Temporal's suggestion, which comes only after thousands of events.
        const first = await startCheckout(shopper, cartId, { continueAsNewAfterEvents: 60 });
        assert.equal(first.status, 'confirmed', JSON.stringify(first));
        const workflowId = orderWorkflowId(first.orderId);
        const handle = client.workflow.getHandle(workflowId);
        const firstRunId = (await handle.describe()).runId;

        // Support holds and releases until the history passes the bound; each update lands on the current run.
        let holds = 0;
        while ((await client.workflow.getHandle(workflowId).describe()).runId === firstRunId && holds < 20) {
          await client.workflow.getHandle(workflowId).executeUpdate(holdOrderUpdate, { args: [support] });
          await client.workflow.getHandle(workflowId).executeUpdate(releaseOrderUpdate, { args: [{ ...support, reason: 'customer is ready' }] });
          holds += 1;
        }
        const latest = client.workflow.getHandle(workflowId);
        const description = await latest.describe();
        assert.notEqual(description.runId, firstRunId, `no new run after ${holds} hold/release pairs`);
        assert.equal(description.status.name, 'RUNNING');

        // The new run knows everything the first one did.
        const view = await latest.query(orderStatusQuery);
        assert.equal(view.status, 'confirmed');
        assert.equal(view.fulfillmentHeld, false);
        assert.equal(view.payment?.status, 'authorized');
        assert.equal(view.reservations.length, 1);
        const events = view.timeline.map((entry) => entry.event);
        assert.equal(events[0], 'checkout started');
        assert.ok(events.includes('confirmed'));
        assert.ok(events.includes('continued as new'));
        assert.equal(events.filter((event) => event === 'hold').length, holds);

        // A repeated submit (the storefront retrying with its Idempotency-Key) gets the first answer.
        assert.deepEqual(await latest.executeUpdate(submitCheckoutUpdate, { args: ['test'] }), first);

        // Ops still find it by id and customer, in its current run.
        const running = await eventually(
          async () => {
            const runs = [];
            for await (const run of client.workflow.list({ query: `OrderId = "${first.orderId}" AND CustomerId = "${shopper.subject}" AND ExecutionStatus = "Running"` })) runs.push(run.runId);
            return runs;
          },
          (runs) => runs.length === 1,
          { what: 'the running order listed by its search attributes' },
        );
        assert.deepEqual(running, [description.runId]);

        const cancelled = await latest.executeUpdate(cancelOrderUpdate, { args: [{ actor: { id: shopper.subject, role: 'customer' }, reason: 'changed my mind' }] });
        assert.equal(cancelled.status, 'cancelled');
        await latest.result();
      });
    } finally {
      await workers.close();
    }

    const order = await db.selectFrom('orders').select('status').where('id', '=', (await lastOrderOf(shopper.subject)).id).executeTakeFirstOrThrow();
    assert.equal(order.status, 'cancelled');
    const stock = await db.selectFrom('inventory').select('reserved').where('sku', '=', sku.sku).executeTakeFirstOrThrow();
    assert.equal(stock.reserved, 0);
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku.sku] }), []);
  });

  const lastOrderOf = (subject: string) =>
    db
      .selectFrom('orders')
      .innerJoin('customers', 'customers.id', 'orders.customer_id')
      .select('orders.id')
      .where('customers.auth_subject', '=', subject)
      .orderBy('orders.created_at', 'desc')
      .executeTakeFirstOrThrow();
});
