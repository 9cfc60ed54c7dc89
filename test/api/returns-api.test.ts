import assert from 'node:assert/strict';
import request from 'supertest';
import { orderDetails } from '../../api/read-models/order-details';
import { findReturn } from '../../db/returns';
import { redisReady } from '../support/cart-fixtures';
import { returnViewQuery } from '../../workflows/returns/process-return.messages';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { deliveredOrder, type DeliveredOrder } from '../support/return-fixtures';
import { deliveredCardOrder } from '../support/delivered-card-order';
import { testStack } from '../support/test-stack';

describe('returns API (real workers, carrier sandbox, PostgreSQL)', function () {
  this.timeout(90_000);
  let s: ParcelStack;
  let customer: string;
  before(async () => {
    s = await startParcelStack();
    customer = await s.t.bearer('customer', 'returns-customer');
  });
  after(() => s.stop());

  /** A delivered order placed by the `returns-customer` token's customer. */
  const ownOrder = async (options: Parameters<typeof deliveredOrder>[1] = {}): Promise<DeliveredOrder> => {
    const order = await deliveredOrder(s.db, options);
    await s.db.insertInto('customers').values({ email: 'returns-customer@example.com', auth_subject: 'returns-customer' }).onConflict((oc) => oc.column('auth_subject').where('auth_subject', 'is not', null).doNothing()).execute();
    const me = await s.db.selectFrom('customers').select('id').where('auth_subject', '=', 'returns-customer').executeTakeFirstOrThrow();
    await s.db.updateTable('orders').set({ customer_id: me.id }).where('id', '=', order.orderId).execute();
    return order;
  };
  const ask = (order: DeliveredOrder, quantity: number, bearer = customer) =>
    request(s.t.app).post(`/orders/${order.orderId}/returns`).set('Authorization', bearer).send({ lines: [{ sku: order.sku, quantity }], reasonCode: 'damaged' });
  const view = (rmaId: string) => testStack().temporal.client.workflow.getHandle(`return-${rmaId}`).query(returnViewQuery);

  it("answers 404 for another customer's order, and typed problems for too many units and a closed window", async () => {
    const order = await ownOrder({ quantity: 2 });
    const stranger = await ask(order, 1, await s.t.bearer('customer', 'someone-else'));
    assert.equal(stranger.status, 404);
    const tooMany = await ask(order, 3);
    assert.equal(tooMany.status, 409);
    assert.match(tooMany.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(tooMany.body.type, '/problems/quantity-exceeds-delivered');
    assert.equal(tooMany.body.returnable, 2);
    const unknown = await request(s.t.app).post(`/orders/${order.orderId}/returns`).set('Authorization', customer).send({ lines: [{ sku: 'NOPE', quantity: 1 }], reasonCode: 'damaged' });
    assert.equal(unknown.body.type, '/problems/unknown-order-line');

    await s.db.updateTable('shipments').set({ delivered_at: new Date(Date.now() - 31 * 86_400_000) }).where('order_id', '=', order.orderId).execute();
    const late = await ask(order, 1);
    assert.deepEqual([late.status, late.body.type], [409, '/problems/window-closed']);
  });

  it('documents every refusal of the return routes in the OpenAPI document, each explained at /problems/<type>', async () => {
    const spec = await request(s.t.app).get('/openapi.json');
    const problems = (path: string, method: string, status: number): string[] =>
      spec.body.paths[path][method].responses[String(status)].content['application/problem+json'].schema.properties.type.enum;
    assert.deepEqual(problems('/orders/{orderId}/returns', 'post', 409).sort(), ['/problems/not-delivered', '/problems/nothing-to-return', '/problems/quantity-exceeds-delivered', '/problems/window-closed']);
    assert.ok(problems('/support/returns/{rmaId}/approve', 'post', 409).includes('/problems/return-not-pending'));
    assert.ok(problems('/support/returns/{rmaId}/deny', 'post', 429).includes('/problems/rate-limited'));
    assert.ok(problems('/warehouse/{code}/returns/{rmaId}/receipt', 'post', 422).includes('/problems/inspection-mismatch'));
    const page = await request(s.t.app).get('/problems/window-closed');
    assert.deepEqual([page.status, page.body.status, typeof page.body.explanation], [200, 409, 'string']);
  });

  it('never accepts more units than were delivered, however many requests arrive at once', async () => {
    const order = await ownOrder({ quantity: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => ask(order, 1)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 201, 201, 409, 409, 409, 409, 409]);
    // A request that reads the order after the others took every unit hears that nothing is left to return.
    for (const refused of answers.filter((a) => a.status === 409)) assert.ok(['/problems/quantity-exceeds-delivered', '/problems/nothing-to-return'].includes(refused.body.type), refused.body.type);
    const units = await s.db.selectFrom('return_lines').select((eb) => eb.fn.sum<string>('quantity').as('units')).where('order_item_id', '=', order.itemId).executeTakeFirstOrThrow();
    assert.equal(Number(units.units), 3);
  });

  it('takes a return from request to receipt: receipt by its warehouse only, posted twice restocks once, and tells who waits for the SKU', async () => {
    // Sold out: both units went to this order, and a customer waits for the SKU to come back.
    const order = await ownOrder({ quantity: 2, unitPrice: 1500, onHand: 0 });
    const waiting = await s.db.insertInto('back_in_stock_subscriptions').values({ sku: order.sku, customer_subject: 'waiting-customer', email: 'waiting@example.com' }).returning('id').executeTakeFirstOrThrow();
    const asked = await ask(order, 2);
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const rmaId: string = asked.body.rmaId;
    await eventually(() => view(rmaId), (v) => v.status === 'label_sent', { what: 'the label sent' });
    const onHand = async () => (await s.db.selectFrom('inventory').select('on_hand').where('sku', '=', order.sku).executeTakeFirstOrThrow()).on_hand;
    const before = await onHand();

    const receipt = { lines: [{ sku: order.sku, units: ['restockable', 'damaged'] }] };
    const elsewhere = await request(s.t.app).post(`/warehouse/${TEST_WAREHOUSE_CODE}/returns/${rmaId}/receipt`).set('Authorization', await s.t.warehouseBearer('WH-OTHER')).send(receipt);
    assert.equal(elsewhere.status, 403);
    const picker = await s.t.bearer('warehouse');
    const post = () => request(s.t.app).post(`/warehouse/${TEST_WAREHOUSE_CODE}/returns/${rmaId}/receipt`).set('Authorization', picker).send(receipt);
    const first = await post();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    // This order's rows were written without its workflow: no order run takes the refund request, and the return says so.
    assert.deepEqual(first.body, {
      rmaId,
      refundAmount: 0,
      refund: { status: 'refund_refused', refusal: "order-not-running: the order's workflow has ended" },
      lines: [{ sku: order.sku, restockable: 1, damaged: 1 }],
    });
    await testStack().temporal.client.workflow.getHandle(`return-${rmaId}`).result();
    const again = await post();
    assert.deepEqual([again.status, again.body], [200, first.body]);
    assert.equal(await onHand(), before + 1);
    const told = await s.db.selectFrom('notifications').select(['recipient', 'template']).where('dedupe_key', '=', `back-in-stock/${waiting.id}`).execute();
    assert.deepEqual(told, [{ recipient: 'waiting@example.com', template: 'back-in-stock' }]);
    const subscription = await s.db.selectFrom('back_in_stock_subscriptions').select(['status', 'notified_by_receipt']).where('id', '=', waiting.id).executeTakeFirstOrThrow();
    assert.deepEqual(subscription, { status: 'notified', notified_by_receipt: `return-${rmaId}` });

    // Goods back, customer not paid: support finds the return in its queue, with the order's reason.
    const queues = await request(s.t.app).get('/support/queues').set('Authorization', await s.t.bearer('support', 'agent-queue'));
    assert.equal(queues.status, 200, JSON.stringify(queues.body));
    const unpaid = queues.body.returnsNotRefunded.items.find((r: { rmaId: string }) => r.rmaId === rmaId);
    assert.deepEqual({ ...unpaid, receivedAt: typeof unpaid?.receivedAt }, { rmaId, orderId: order.orderId, reasonCode: 'damaged', refusal: "order-not-running: the order's workflow has ended", receivedAt: 'string' });
    assert.ok(queues.body.returnsNotRefunded.count >= 1);
  });

  it('as a customer, returns two of three delivered items, gets the label by email, and sees the return and its refund on the order once received', async () => {
    await redisReady(s.t.deps.redis);
    const { shopper, orderId, orderView, warehouseApi, sku: stocked } = await deliveredCardOrder(s, { quantity: 3, price: 1000 });
    const sku = stocked.sku;

    const asked = await request(s.t.app).post(`/orders/${orderId}/returns`).set('Authorization', shopper.bearer).send({ lines: [{ sku, quantity: 2 }], reasonCode: 'changed-mind' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const rmaId = asked.body.rmaId as string;
    await eventually(() => view(rmaId), (v) => v.status === 'label_sent', { what: 'the label sent' });
    const email = await s.db.selectFrom('notifications').select(['recipient', 'template', 'payload']).where('dedupe_key', '=', `return-${rmaId}/return-label`).executeTakeFirstOrThrow();
    assert.deepEqual([email.recipient, email.template, (email.payload as { rmaId: string }).rmaId], [shopper.email, 'return-label', rmaId]);

    const received = await warehouseApi(`returns/${rmaId}/receipt`, { lines: [{ sku, units: ['restockable', 'restockable'] }] });
    assert.equal(received.status, 200, JSON.stringify(received.body));
    await testStack().temporal.client.workflow.getHandle(`return-${rmaId}`).result();
    const after = await orderView();
    assert.deepEqual(orderDetails.parse(after.body), after.body);
    const [rma] = after.body.returns;
    assert.deepEqual([rma.rmaId, rma.status, rma.approval, rma.refund.status], [rmaId, 'received', 'auto', 'refund_requested']);
    // The return's refund is one of the order's refunds: the two units' price and their share of the tax.
    const refund = after.body.refunds.find((r: { refundId: string }) => r.refundId === rma.refund.refundId);
    assert.deepEqual([refund?.rmaId, refund?.amount, refund?.lines], [rmaId, rma.refund.amount, [{ sku, quantity: 2 }]]);
    assert.ok(rma.refund.amount.amount > 2000, JSON.stringify(rma.refund));
    assert.deepEqual(rma.lines, [{ sku, quantity: 2, restockable: 2, damaged: 0 }]);

    // Support finds the order by the RMA's id; an unknown RMA finds nothing.
    const agent = await s.t.bearer('support', 'agent-find');
    const byRma = (id: string) => request(s.t.app).get('/support/orders').query({ rmaId: id }).set('Authorization', agent);
    const found = await eventually(() => byRma(rmaId), (res) => res.body.items?.length > 0, { what: 'the order by its RMA' });
    assert.deepEqual(found.body.items.map((o: { orderId: string }) => o.orderId), [orderId]);
    const none = await byRma('00000000-0000-4000-8000-000000000000');
    assert.deepEqual([none.status, none.body.items], [200, []]);
  });

  it('lets support deny a return waiting for a decision, with a reason, once', async () => {
    const order = await ownOrder({ quantity: 1, unitPrice: 50_000 });
    const asked = await ask(order, 1);
    const rmaId: string = asked.body.rmaId;
    const agent = await s.t.bearer('support', 'agent-9');
    const noReason = await request(s.t.app).post(`/support/returns/${rmaId}/deny`).set('Authorization', agent).send({ reason: '' });
    assert.equal(noReason.status, 400);
    const denied = await request(s.t.app).post(`/support/returns/${rmaId}/deny`).set('Authorization', agent).send({ reason: 'outside policy' });
    assert.equal(denied.status, 200, JSON.stringify(denied.body));
    assert.deepEqual([denied.body.status, denied.body.decisionReason], ['denied', 'outside policy']);
    const twice = await request(s.t.app).post(`/support/returns/${rmaId}/approve`).set('Authorization', agent).send({ reason: 'changed my mind' });
    assert.deepEqual([twice.status, twice.body.type], [409, '/problems/return-not-pending']);
    assert.equal((await findReturn(s.db, rmaId))?.decided_by, 'agent-9');
    const customerTry = await request(s.t.app).post(`/support/returns/${rmaId}/approve`).set('Authorization', customer).send({ reason: 'please' });
    assert.equal(customerTry.status, 403);
  });
});
