import assert from 'node:assert/strict';
import request from 'supertest';
import { findPaymentDrift } from '../../db/reconcile-payments';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { findReturn } from '../../db/returns';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../../workflows/order/order.messages';
import { returnViewQuery } from '../../workflows/returns/process-return.messages';
import { redisReady } from '../support/cart-fixtures';
import { deliveredCardOrder } from '../support/delivered-card-order';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { testStack } from '../support/test-stack';

/**
 * A return on the real stack, as the order sees it: the order does not close while the return is
 * open, and the refund of the received units is one of the order's refunds, asked through its
 * requestRefund update and sent back to the card at the Stripe sandbox.
 */
describe('an order with a return (order, return and refund workflows, both sandboxes, API, PostgreSQL)', function () {
  this.timeout(150_000);
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
  });
  after(() => s.stop());

  /** The order as its workflow answers, beside the fixture's API view. */
  const workflowView = (orderId: string) => () => testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId)).query(orderStatusQuery);

  it('waits past its return window for the open return, refunds the accepted units through the order once, then closes', async () => {
    // Two units worth more than the automatic approval limit: the return waits for support.
    const { shopper, sku, orderId, warehouseApi } = await deliveredCardOrder(s, { quantity: 3, price: 6000, input: { returnWindow: '8 seconds', parcelDeadlines: { trackingPollAfter: '2 seconds' } } });
    const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId));
    const view = workflowView(orderId);

    const asked = await request(s.t.app).post(`/orders/${orderId}/returns`).set('Authorization', shopper.bearer).send({ lines: [{ sku: sku.sku, quantity: 2 }], reasonCode: 'changed-mind' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const rmaId = asked.body.rmaId as string;
    const returnRun = testStack().temporal.client.workflow.getHandle(`return-${rmaId}`);

    // The window ends while support has not decided: the order says why it stays open.
    const waiting = await eventually(view, (v: OrderView) => v.timeline.some((e) => e.event === 'closing waits'), { what: 'the window ended with the return open' });
    assert.equal(waiting.status, 'delivered');
    assert.deepEqual(waiting.openReturns, [rmaId]);
    assert.ok(waiting.timeline.some((e) => e.event === 'return requested' && e.detail === rmaId));

    const agent = await s.t.bearer('support', 'agent-returns');
    const approved = await request(s.t.app).post(`/support/returns/${rmaId}/approve`).set('Authorization', agent).send({ reason: 'customer called' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await eventually(() => returnRun.query(returnViewQuery), (v) => v.status === 'label_sent', { what: 'the return label sent' });

    // One unit comes back fine, one damaged: a customer who changed their mind is refunded the good one.
    const receipt = { lines: [{ sku: sku.sku, units: ['restockable', 'damaged'] }] };
    const received = await warehouseApi(`returns/${rmaId}/receipt`, receipt);
    assert.equal(received.status, 200, JSON.stringify(received.body));
    const { refund } = received.body as { refund: { status: string; refundId: string }; refundAmount: number };
    assert.equal(refund.status, 'refund_requested', JSON.stringify(received.body));
    assert.ok(received.body.refundAmount >= 6000, JSON.stringify(received.body));
    // Posted again, the receipt answers the same refund: the order started one.
    const again = await warehouseApi(`returns/${rmaId}/receipt`, receipt);
    assert.deepEqual([again.status, again.body], [200, received.body]);

    await order.result();
    const final = await view();
    assert.equal(final.status, 'closed');
    assert.deepEqual(final.openReturns, []);
    const refunds = final.refunds ?? [];
    assert.deepEqual(
      refunds.map((r) => [r.refundId, r.rmaId, r.stage, r.amount.amount, r.lines]),
      [[refund.refundId, rmaId, 'succeeded', received.body.refundAmount, [{ sku: sku.sku, quantity: 1 }]]],
    );
    const events = final.timeline.map((e) => e.event);
    // The order heard the refund succeed and the return end before it closed.
    assert.ok(events.includes('refund succeeded') && events.includes('return received'), events.join(', '));

    const rma = await findReturn(s.db, rmaId);
    assert.deepEqual([rma?.status, rma?.refund_status, rma?.refund_id, Number(rma?.refund_amount)], ['received', 'refund_requested', refund.refundId, received.body.refundAmount]);
    const ledger = await s.db.selectFrom('payment_ledger').select(['kind', 'amount']).where('order_id', '=', orderId).orderBy('id').execute();
    assert.deepEqual(
      ledger.filter((l) => l.kind === 'refunded').map((l) => l.amount),
      [received.body.refundAmount],
    );
    assert.deepEqual(await findPaymentDrift(s.db, { orderIds: [orderId] }), []);
    assert.deepEqual(await findInventoryDrift(s.db, { skus: [sku.sku] }), []);
  });

  it('refunds a returned parcel only for the units support did not refund before', async () => {
    const { shopper, sku, orderId, warehouseApi } = await deliveredCardOrder(s, { quantity: 2, price: 1200 });
    const view = workflowView(orderId);
    const agent = await s.t.bearer('support', 'agent-goodwill');
    const first = await request(s.t.app)
      .post(`/support/orders/${orderId}/refunds`)
      .set('Authorization', agent)
      .send({ reason: 'one arrived scratched', refundReason: 'damaged', lines: [{ sku: sku.sku, quantity: 1 }] });
    assert.equal(first.status, 200, JSON.stringify(first.body));

    // Both units come back anyway, in good shape: only the one not refunded yet is refunded again.
    const asked = await request(s.t.app).post(`/orders/${orderId}/returns`).set('Authorization', shopper.bearer).send({ lines: [{ sku: sku.sku, quantity: 2 }], reasonCode: 'changed-mind' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const rmaId = asked.body.rmaId as string;
    await eventually(() => testStack().temporal.client.workflow.getHandle(`return-${rmaId}`).query(returnViewQuery), (v) => v.status === 'label_sent', { what: 'the return label sent' });
    const received = await warehouseApi(`returns/${rmaId}/receipt`, { lines: [{ sku: sku.sku, units: ['restockable', 'restockable'] }] });
    assert.equal(received.status, 200, JSON.stringify(received.body));
    assert.equal(received.body.refund.status, 'refund_requested', JSON.stringify(received.body));

    const settled = await eventually(view, (v: OrderView) => (v.refunds ?? []).length === 2 && v.refunds!.every((r) => r.stage === 'succeeded'), { what: 'both refunds succeeded' });
    const [bySupport, byReturn] = settled.refunds!;
    assert.deepEqual([bySupport!.lines, byReturn!.lines, byReturn!.rmaId], [[{ sku: sku.sku, quantity: 1 }], [{ sku: sku.sku, quantity: 1 }], rmaId]);
    assert.equal(byReturn!.amount.amount, received.body.refundAmount);
    // Never more than was paid: what both refunded is at most what was captured.
    const payment = await s.db.selectFrom('payments').select(['captured_amount', 'refunded_amount']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.equal(Number(payment.refunded_amount), bySupport!.amount.amount + byReturn!.amount.amount);
    assert.ok(Number(payment.refunded_amount) <= Number(payment.captured_amount));
    assert.deepEqual(await findPaymentDrift(s.db, { orderIds: [orderId] }), []);
  });
});
