import assert from 'node:assert/strict';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { redisReady } from '../support/cart-fixtures';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { partiallyShippedOrder } from '../support/partially-shipped-order';
import { stripeSandbox } from '../support/stripe-sandbox';

/**
 * Support's "cancel the rest" after a first parcel shipped, on the real stack: the other parcel's
 * label voided at the carrier sandbox, its stock released, its share never captured at the Stripe
 * sandbox; a parcel the carrier has is refused with its typed reason.
 */
describe('cancel the rest after a first parcel shipped (order and parcel workflows, both sandboxes, API, PostgreSQL)', function () {
  this.timeout(120_000);
  const stripe = stripeSandbox();
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
  });
  after(() => s.stop());

  it('voids the labelled parcel not handed over, releases its stock, keeps only the shipped share, and refuses the shipped parcel', async () => {
    // Both are labelled; only the first is handed over, and its share captured.
    const { orderId, total, order, view, first, second, skus, firstShare } = await partiallyShippedOrder(s);
    await eventually(view, (v) => v.status === 'partially_shipped' && v.captures?.[0]?.status === 'captured', { what: 'the first share captured' });

    const support = await s.t.bearer('support', 'agent-rest');
    const refused = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'customer changed their mind', shipmentIds: [first.shipmentId] });
    assert.deepEqual([refused.status, refused.body.type], [409, '/problems/parcel-already-handed-over']);

    const done = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'customer changed their mind' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    // What is left has gone: shipped, or delivered already if the carrier was quick.
    assert.ok(['shipped', 'delivered'].includes(done.body.status), done.body.status);
    assert.equal(done.body.shipments[1].stage, 'cancelled');
    assert.ok(['handed_over', 'delivered'].includes(done.body.shipments[0].stage), done.body.shipments[0].stage);

    // The second parcel's run voided its label at the carrier and cancelled its row.
    const voided = await eventually(() => s.sandbox.labelPurchases(carrierReferenceFor(second.shipmentId)), (all) => all.length === 1 && all[0]!.refund_status !== null, { what: 'the label voided' });
    assert.equal(voided.length, 1);
    const row = await eventually(() => s.db.selectFrom('shipments').select('status').where('id', '=', second.shipmentId).executeTakeFirstOrThrow(), (r) => r.status === 'cancelled', { what: 'the parcel row cancelled' });
    assert.equal(row.status, 'cancelled');
    // Its stock is back: no active reservation, and the ledger reconciles.
    const reserved = await s.db.selectFrom('inventory_reservations').select('status').where('order_id', '=', orderId).where('status', '=', 'reserved').execute();
    assert.deepEqual(reserved, []);
    assert.deepEqual(await findInventoryDrift(s.db, { skus }), []);
    // Only the shipped share was taken.
    const payment = await s.db.selectFrom('payments').select(['captured_amount', 'refunded_amount', 'external_id']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual([payment.captured_amount, payment.refunded_amount], [firstShare, 0]);
    const intent = await stripe.paymentIntent(payment.external_id!);
    assert.equal(intent.amount_received, firstShare);
    // The rest of the authorization is released, not refunded: nothing capturable is left at Stripe.
    assert.deepEqual([intent.status, intent.amount_capturable], ['succeeded', 0]);
    const released = await s.db.selectFrom('payment_ledger').select(['kind', 'amount']).where('order_id', '=', orderId).where('kind', '=', 'cancelled').execute();
    assert.equal(released.length, 1);
    assert.equal(released[0]!.amount, total - firstShare);
    const audited = await s.db.selectFrom('support_actions').select(['actor_id', 'reason']).where('order_id', '=', orderId).where('action', '=', 'cancelRest').execute();
    assert.deepEqual(audited, [{ actor_id: 'agent-rest', reason: 'customer changed their mind' }]);

    const again = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'again' });
    assert.deepEqual([again.status, again.body.type], [409, '/problems/nothing-left-to-cancel']);
    await order.terminate('test done');
  });
});
