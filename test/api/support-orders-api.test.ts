import assert from 'node:assert/strict';
import request from 'supertest';
import { uniqueId } from '../support/db-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, usAddress, type Shopper } from '../support/checkout-fixtures';
import { redisReady } from '../support/cart-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';
import { eventually } from '../support/eventually';

describe('risk review and support actions (real workers, Temporal, PostgreSQL, Redis, Elasticsearch)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let support: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    support = await t.bearer('support', 'agent-smith');
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  const stock = (sku: string) => t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).executeTakeFirstOrThrow();
  /** A first order from a disposable inbox: 35 points, held for review. */
  const riskyShopper = async (): Promise<Shopper> => {
    const shopper = await newShopper(t);
    return { ...shopper, email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
  };
  const placeHeldOrder = async () => {
    const shopper = await riskyShopper();
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'on_hold');
    assert.deepEqual(
      res.body.risk.reasons.map((r: { code: string }) => r.code),
      ['disposable-email', 'first-order'],
    );
    return { orderId: res.body.orderId as string, sku: sku.sku, shopper };
  };
  const act = (orderId: string, action: string, reason = 'checked with the customer by phone') =>
    request(t.app).post(`/support/orders/${orderId}/${action}`).set('Authorization', support).send({ reason });

  it('holds a risky order for review; ops find it by OrderStatus; support approves it and the audit says who', async () => {
    const { orderId, sku } = await placeHeldOrder();
    assert.deepEqual(await stock(sku), { on_hand: 5, reserved: 2 });

    const listed = await eventually(async () => {
      for await (const run of testStack().temporal.client.workflow.list({ query: `OrderStatus="ON_HOLD" AND OrderId="${orderId}"` })) return run;
      return undefined;
    }, (run) => run !== undefined, { what: 'the held order in visibility' });
    assert.equal(listed!.workflowId, `order-${orderId}`);
    assert.equal(listed!.typedSearchAttributes.get({ name: 'RiskLevel', type: 'KEYWORD' } as never), 'MEDIUM');

    const approved = await act(orderId, 'approve-risk');
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'confirmed');
    // Approved means kept: the stock stays reserved, the authorization stands, the order lives on.
    assert.deepEqual(await stock(sku), { on_hand: 5, reserved: 2 });
    const payments = await t.deps.db.selectFrom('payments').select('status').where('order_id', '=', orderId).execute();
    assert.deepEqual(payments, [{ status: 'authorized' }]);
    const run = await testStack().temporal.client.workflow.getHandle(`order-${orderId}`).describe();
    assert.equal(run.status.name, 'RUNNING');
    const audit = await t.deps.db.selectFrom('support_actions').select(['actor_id', 'actor_role', 'action', 'reason']).where('order_id', '=', orderId).execute();
    assert.deepEqual(audit, [{ actor_id: 'agent-smith', actor_role: 'support', action: 'approveRisk', reason: 'checked with the customer by phone' }]);
    const view = await request(t.app).get(`/support/orders/${orderId}`).set('Authorization', support);
    assert.ok(view.body.timeline.some((e: { event: string; actor?: string }) => e.event === 'approveRisk' && e.actor === 'agent-smith'));
  });

  it('support rejects a held order: stock is released and the order is rejected, as checkout would have', async () => {
    const { orderId, sku } = await placeHeldOrder();
    const rejected = await act(orderId, 'reject-risk', 'card reported stolen');
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.status, 'rejected');
    assert.deepEqual(await stock(sku), { on_hand: 5, reserved: 0 });
    const row = await t.deps.db.selectFrom('orders').select(['status', 'status_reason']).where('id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'rejected', status_reason: 'card reported stolen' });
    const mails = await t.deps.db.selectFrom('notifications').select('template').where('order_id', '=', orderId).execute();
    assert.deepEqual(mails.map((m) => m.template).sort(), ['order-on-hold', 'order-rejected']);
  });

  it('refuses a search by an email no mailbox can have, whose part before @ is past 64 characters (found by the API fuzz)', async () => {
    const res = await request(t.app).get('/support/orders').query({ email: `${'a'.repeat(65)}@example.com` }).set('Authorization', support);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].path, 'email');
  });

  it('refuses actions the order does not allow, with the reason, and records nothing', async () => {
    const { orderId } = await placeHeldOrder();
    const hold = await act(orderId, 'hold');
    assert.equal(hold.status, 409);
    assert.equal(hold.body.type, '/problems/in-risk-review');
    assert.match(hold.body.detail, /risk review/);
    assert.equal(await t.deps.db.selectFrom('support_actions').select('id').where('order_id', '=', orderId).executeTakeFirst(), undefined);
    const noReason = await request(t.app).post(`/support/orders/${orderId}/approve-risk`).set('Authorization', support).send({});
    assert.equal(noReason.status, 400);
    const customer = await request(t.app).post(`/support/orders/${orderId}/approve-risk`).set('Authorization', await t.bearer('customer')).send({ reason: 'me' });
    assert.equal(customer.status, 403);
  });

  it('rejects a high-risk order outright, keeping nothing reserved', async () => {
    const shopper = await riskyShopper();
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 3, quantity: 1, price: 250_000 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId, { billingAddress: { ...usAddress, country: 'CA', region: 'ON' } }));
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.type, '/problems/risk-rejected');
    assert.deepEqual(res.body.details.reasons, ['amount-very-high', 'disposable-email', 'country-mismatch', 'first-order']);
    assert.deepEqual(await stock(sku.sku), { on_hand: 3, reserved: 0 });
  });

  it('holds and releases a confirmed order, changes its address, and finds it by email and SKU', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper);
    const { body } = await postCheckout(t, shopper, checkoutBody(shopper, cartId)).expect(201);
    assert.equal((await act(body.orderId, 'hold', 'customer asked to wait')).body.fulfillmentHeld, true);
    assert.equal((await act(body.orderId, 'release', 'customer is ready')).body.fulfillmentHeld, false);
    const moved = await request(t.app)
      .put(`/support/orders/${body.orderId}/shipping-address`)
      .set('Authorization', support)
      .send({ reason: 'customer moved', address: { ...usAddress, line1: '2 Elm St' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.shippingAddress.line1, '2 Elm St');

    const found = await eventually(async () => {
      const res = await request(t.app).get('/support/orders').query({ email: shopper.email.toUpperCase(), sku: sku.sku }).set('Authorization', support);
      return res.body.items?.length ? res.body : undefined;
    }, (result) => result !== undefined, { what: 'the order in support search' });
    assert.equal(found.items[0].orderId, body.orderId);
    assert.equal(found.items[0].status, 'confirmed');
  });
});
