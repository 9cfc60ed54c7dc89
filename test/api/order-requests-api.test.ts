import assert from 'node:assert/strict';
import request from 'supertest';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { uniqueId } from '../support/db-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, type Shopper } from '../support/checkout-fixtures';
import { redisReady } from '../support/cart-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/**
 * Requests reach an order through its workflow's inbox, one at a time, each judged against the
 * order as the requests accepted before it leave it; and an order whose workflow has ended is
 * still an order that answers why it cannot change.
 */
describe('requests to an order: concurrent decisions and ended orders (real workers, Temporal, PostgreSQL)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let agentA: string;
  let agentB: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    [agentA, agentB] = await Promise.all([t.bearer('support', 'agent-a'), t.bearer('support', 'agent-b')]);
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  const db = () => t.deps.db;
  const act = (bearer: string, orderId: string, action: string, reason: string) =>
    request(t.app).post(`/support/orders/${orderId}/${action}`).set('Authorization', bearer).send({ reason });

  /** A first order from a disposable inbox scores medium: held for review. */
  async function placeHeldOrder(): Promise<{ orderId: string; sku: string; shopper: Shopper }> {
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return { orderId: res.body.orderId, sku: sku.sku, shopper };
  }

  /** The order's row, audit, queued emails (sorted by template) and reservations. */
  async function outcome(orderId: string) {
    const [row, audit, mails, stock] = await Promise.all([
      db().selectFrom('orders').select(['status', 'risk_reviewed_by']).where('id', '=', orderId).executeTakeFirstOrThrow(),
      db().selectFrom('support_actions').select(['action', 'actor_id']).where('order_id', '=', orderId).orderBy('created_at').execute(),
      db().selectFrom('notifications').select('template').where('order_id', '=', orderId).execute(),
      db().selectFrom('inventory_reservations').select('status').where('order_id', '=', orderId).execute(),
    ]);
    return { ...row, audit, mails: mails.map((m) => m.template).sort(), reservations: stock.map((r) => r.status) };
  }

  for (const second of ['approve-risk', 'reject-risk', 'cancel'] as const) {
    it(`approve-risk and ${second} at the same moment: the first accepted is carried out, a later one the order no longer allows gets its typed 409`, async () => {
      for (let round = 0; round < 3; round += 1) {
        const { orderId, sku } = await placeHeldOrder();
        const [approval, other] = await Promise.all([act(agentA, orderId, 'approve-risk', 'verified by phone'), act(agentB, orderId, second, 'looks wrong to me')]);
        const after = await outcome(orderId);
        const accepted = [approval, other].filter((r) => r.status === 200);
        const refused = [approval, other].filter((r) => r.status !== 200);
        for (const res of refused) {
          assert.equal(res.status, 409, JSON.stringify(res.body));
          assert.equal(res.body.type, '/problems/not-on-hold', JSON.stringify(res.body));
          assert.match(res.body.detail, /only an order held for risk review/);
        }
        // Every accepted request is in the audit once, with its actor, and nothing refused is.
        assert.equal(after.audit.length, accepted.length, JSON.stringify(after.audit));
        if (approval.status === 200) {
          assert.equal(after.risk_reviewed_by, 'agent-a');
          if (second === 'cancel') {
            // A cancel is allowed after an approval: both were carried out, in that order.
            assert.equal(other.status, 200, JSON.stringify(other.body));
            assert.deepEqual(after.audit, [{ action: 'approveRisk', actor_id: 'agent-a' }, { action: 'cancel', actor_id: 'agent-b' }]);
            assert.equal(after.status, 'cancelled');
            assert.deepEqual(after.mails, ['order-cancelled', 'order-confirmed', 'order-on-hold']);
          } else {
            assert.equal(other.status, 409);
            assert.deepEqual(after.audit, [{ action: 'approveRisk', actor_id: 'agent-a' }]);
            assert.equal(after.status, 'confirmed');
            assert.deepEqual(after.mails, ['order-confirmed', 'order-on-hold']);
            assert.deepEqual(after.reservations, ['reserved']);
          }
        } else if (second === 'approve-risk') {
          assert.equal(other.status, 200, JSON.stringify(other.body));
          assert.equal(after.status, 'confirmed');
          assert.equal(after.risk_reviewed_by, 'agent-b');
          assert.deepEqual(after.mails, ['order-confirmed', 'order-on-hold']);
        } else {
          assert.equal(other.status, 200, JSON.stringify(other.body));
          // A review that rejects the order ends it rejected; a cancel ends it cancelled.
          const [status, mail] = second === 'reject-risk' ? ['rejected', 'order-rejected'] : ['cancelled', 'order-cancelled'];
          assert.equal(after.status, status);
          assert.deepEqual(after.mails, [mail, 'order-on-hold'].sort());
          assert.deepEqual(after.reservations, ['released']);
          if (second === 'reject-risk') assert.equal(after.risk_reviewed_by, 'agent-b');
        }
        assert.deepEqual(await findInventoryDrift(db(), { skus: [sku] }), []);
      }
    });
  }

  it('two agents approving at once: exactly one approval is accepted; the customer is mailed once, and the reviewer is recorded', async () => {
    const { orderId } = await placeHeldOrder();
    const answers = await Promise.all([act(agentA, orderId, 'approve-risk', 'verified by phone'), act(agentB, orderId, 'approve-risk', 'verified by email')]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409]);
    const winner = answers[0]!.status === 200 ? 'agent-a' : 'agent-b';
    const after = await outcome(orderId);
    assert.equal(after.status, 'confirmed');
    assert.equal(after.risk_reviewed_by, winner);
    assert.deepEqual(after.audit, [{ action: 'approveRisk', actor_id: winner }]);
    assert.deepEqual(after.mails, ['order-confirmed', 'order-on-hold']);
  });

  describe('an order whose workflow has ended answers every request with a 409 naming its status', () => {
    async function ended(orderId: string) {
      await testStack().temporal.client.workflow.getHandle(`order-${orderId}`).result();
    }
    async function expectFinal(orderId: string, status: string, shopper: Shopper) {
      await ended(orderId);
      const seen = await request(t.app).get(`/support/orders/${orderId}`).set('Authorization', agentA);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.equal(seen.body.status, status);
      for (const action of ['cancel', 'hold', 'release', 'approve-risk', 'reject-risk']) {
        const res = await act(agentA, orderId, action, 'trying anyway');
        assert.equal(res.status, 409, `${action}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.type, '/problems/order-final', action);
        // RFC 9457's `status` is the HTTP status; the order's own is `orderStatus`.
        assert.equal(res.body.status, 409, action);
        assert.equal(res.body.orderStatus, status, action);
        assert.match(res.body.detail, new RegExp(`the order is ${status}`));
      }
      const address = await request(t.app)
        .put(`/support/orders/${orderId}/shipping-address`)
        .set('Authorization', agentA)
        .send({ reason: 'moved', address: { name: 'A', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US' } });
      assert.equal(address.status, 409, JSON.stringify(address.body));
      assert.equal(address.body.type, '/problems/order-final');
      const own = await request(t.app).post(`/orders/${orderId}/cancel`).set('Authorization', shopper.bearer).send({ reason: 'changed my mind' });
      assert.equal(own.status, 409, JSON.stringify(own.body));
      assert.equal(own.body.type, '/problems/order-final');
      const stranger = await newShopper(t);
      const notYours = await request(t.app).post(`/orders/${orderId}/cancel`).set('Authorization', stranger.bearer).send({ reason: 'not mine' });
      assert.equal(notYours.status, 404);
      assert.equal((await db().selectFrom('support_actions').select('id').where('order_id', '=', orderId).where('actor_id', '=', 'agent-a').execute()).length, 0);
    }

    it('cancelled by its customer', async () => {
      const shopper = await newShopper(t);
      const { cartId } = await cartWith(t, shopper);
      const placed = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
      assert.equal(placed.status, 201);
      const cancelled = await request(t.app).post(`/orders/${placed.body.orderId}/cancel`).set('Authorization', shopper.bearer).send({ reason: 'changed my mind' });
      assert.equal(cancelled.status, 200);
      await expectFinal(placed.body.orderId, 'cancelled', shopper);
    });

    it('rejected by support in risk review', async () => {
      const { orderId, shopper } = await placeHeldOrder();
      assert.equal((await act(agentB, orderId, 'reject-risk', 'card reported stolen')).status, 200);
      await expectFinal(orderId, 'rejected', shopper);
    });

    it('rejected at checkout: out of stock', async () => {
      const shopper = await newShopper(t);
      const { cartId, sku } = await cartWith(t, shopper, { onHand: 3, quantity: 2 });
      await db().updateTable('inventory').set({ on_hand: 1 }).where('sku', '=', sku.sku).execute();
      const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
      assert.equal(res.status, 409, JSON.stringify(res.body));
      await expectFinal(res.body.orderId, 'rejected', shopper);
    });

    it('rejected at checkout: payment declined', async () => {
      const shopper = await newShopper(t);
      const { cartId } = await cartWith(t, shopper);
      const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_chargeDeclined' } }));
      assert.equal(res.status, 402, JSON.stringify(res.body));
      await expectFinal(res.body.orderId, 'rejected', shopper);
    });
  });
});
