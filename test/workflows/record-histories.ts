import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { authorizePayment, type PaymentAuthorized } from '../../activities/payments/authorize-payment';
import { createManualPaymentProvider } from '../../activities/payments/manual-payment-provider';
import { createStripePaymentProvider } from '../../activities/payments/stripe-payment-provider';
import { money } from '../../domain/money';
import { captureOrderPaymentWorkflowType, captureWorkflowId, type CaptureOrderPaymentWorkflow } from '../../workflows/payment/capture-order-payment.messages';
import type { Database } from '../../db/database';
import { reserveStock } from '../../db/reservations';
import { subscribeBackInStock } from '../../db/back-in-stock';
import { restockWorkflowId, restockWorkflowType, type RestockWorkflow } from '../../workflows/inventory/restock.messages';
import { redeliverPaymentEventsWorkflowType, type RedeliverPaymentEventsWorkflow } from '../../workflows/housekeeping/redeliver-payment-events.messages';
import { REDELIVERY_GRACE_SECONDS } from '../../workflows/housekeeping/redeliver-payment-events';
import { releaseExpiredReservationsWorkflowType, type ReleaseExpiredReservationsWorkflow } from '../../workflows/housekeeping/release-expired-reservations.messages';
import { sendPendingEmailsWorkflowType, type SendPendingEmailsWorkflow } from '../../workflows/notifications/send-pending-emails.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import {
  approveRiskUpdate,
  cancelOrderUpdate,
  holdOrderUpdate,
  orderStatusQuery,
  orderWorkflowId,
  rejectRiskUpdate,
  releaseOrderUpdate,
  requestRefundUpdate,
  updateShippingAddressUpdate,
  type SupportRequest,
} from '../../workflows/order/order.messages';
import { approveRefundUpdate, refundStatusQuery, refundWorkflowId } from '../../workflows/refund/refund-payment.messages';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { changeParcelAddressSignal, handOverParcelUpdate, packParcelUpdate, parcelStatusQuery, shipmentWorkflowId } from '../../workflows/shipment/ship-parcel.messages';
import { createOrder, createStockedSku, TEST_WAREHOUSE_CODE, uniqueId } from '../support/db-fixtures';
import { giveTestWarehouseAnAddress, reservedParcel, startParcel } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { storedPaymentEvent } from '../support/payment-event-fixtures';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutRequest, newShopper, startCheckout, usAddress } from '../support/checkout-fixtures';
import { eventually } from '../support/eventually';
import { deliveredOrder, returnPolicy, startReturn } from '../support/return-fixtures';
import { findReturn } from '../../db/returns';
import { decideReturnUpdate, receiveReturnUpdate, returnViewQuery } from '../../workflows/returns/process-return.messages';
import { createStripe } from '../../platform/create-stripe';
import { createTestApp, type TestApp } from '../support/test-app';
import { stripeSandbox } from '../support/stripe-sandbox';
import { quietLogger, testConfig, testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/**
 * Records the histories that test/workflows/replay.test.ts replays. Not part of
 * the suite (the name does not end in .test.ts): run it when a recorded workflow's shape changes
 * before anything runs in production, and commit the files it writes:
 *   bash scripts/test.sh test/workflows/record-histories.ts (or -g one of them)
 */
describe('record order, payment and housekeeping histories for replay', function () {
  this.timeout(120_000);
  const folder = path.join(__dirname, 'histories');
  const support: SupportRequest = { actor: { id: 'agent-1', role: 'support' }, reason: 'recorded for replay' };
  let t: TestApp;
  let db: Kysely<Database>;
  let workers: RunningTestWorkers;
  // The API listens for the Stripe sandbox's webhooks, so card orders record their payment events.
  let server: http.Server;
  const stripe = createStripe(testConfig());
  let endpointId: string;

  before(async () => {
    t = createTestApp();
    db = t.deps.db;
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    endpointId = (await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/webhooks/stripe`, enabled_events: ['*'] })).id;
  });
  after(async () => {
    await stripe.webhookEndpoints.del(endpointId);
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([workers.stop(), t.close()]);
  });

  const client = () => testStack().temporal.client;
  async function save(name: string, workflowId: string, runId?: string): Promise<void> {
    const history = await client().workflow.getHandle(workflowId, runId).fetchHistory();
    writeFileSync(path.join(folder, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
  }
  const riskyShopper = async () => ({ ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` });

  it('order-confirmed-then-changed-and-cancelled', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const { orderId, status } = await startCheckout(shopper, cartId);
    assert.equal(status, 'confirmed');
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    await handle.executeUpdate(holdOrderUpdate, { args: [support] });
    await handle.executeUpdate(releaseOrderUpdate, { args: [support] });
    await handle.executeUpdate(updateShippingAddressUpdate, { args: [{ ...support, address: { ...usAddress, line1: '2 Elm St' } }] });
    await assert.rejects(handle.executeUpdate(releaseOrderUpdate, { args: [support] }), (e: Error) => (e.cause as { type?: string }).type === 'not-held');
    await handle.executeUpdate(cancelOrderUpdate, { args: [support] });
    await handle.result();
    await save('order-confirmed-then-changed-and-cancelled', handle.workflowId);
  });

  it('order-held-then-approved-twice-then-cancelled', async () => {
    const shopper = await riskyShopper();
    const { cartId } = await cartWith(t, shopper);
    const { orderId, status } = await startCheckout(shopper, cartId);
    assert.equal(status, 'on_hold');
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    const answers = await Promise.allSettled([
      handle.executeUpdate(approveRiskUpdate, { args: [support] }),
      handle.executeUpdate(approveRiskUpdate, { args: [{ ...support, actor: { id: 'agent-2', role: 'support' } }] }),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), ['fulfilled', 'rejected']);
    await handle.executeUpdate(cancelOrderUpdate, { args: [support] });
    await handle.result();
    await save('order-held-then-approved-twice-then-cancelled', handle.workflowId);
  });

  it('order-held-then-rejected', async () => {
    const shopper = await riskyShopper();
    const { cartId } = await cartWith(t, shopper);
    const { orderId } = await startCheckout(shopper, cartId);
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    await handle.executeUpdate(rejectRiskUpdate, { args: [support] });
    await handle.result();
    await save('order-held-then-rejected', handle.workflowId);
  });

  it('order-held-then-review-expired', async () => {
    const shopper = await riskyShopper();
    const { cartId } = await cartWith(t, shopper);
    const { orderId } = await startCheckout(shopper, cartId, { reviewTimeout: '1 second' });
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    await handle.result();
    await save('order-held-then-review-expired', handle.workflowId);
  });

  it('order-rejected-out-of-stock', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 3, quantity: 2 });
    await db.updateTable('inventory').set({ on_hand: 1 }).where('sku', '=', sku.sku).execute();
    const { orderId, status } = await startCheckout(shopper, cartId);
    assert.equal(status, 'rejected');
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    await handle.result();
    await save('order-rejected-out-of-stock', handle.workflowId);
  });

  it('order-rejected-price-changed', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { price: 2500 });
    await db.updateTable('product_variants').set({ price_amount: 2600 }).where('sku', '=', sku.sku).execute();
    const result = await startCheckout(shopper, cartId);
    assert.equal(result.status === 'rejected' && result.reason.type, 'PriceChanged');
    const handle = client().workflow.getHandle(orderWorkflowId(result.orderId));
    await handle.result();
    await save('order-rejected-price-changed', handle.workflowId);
  });

  const card = (paymentMethodId: string) => ({ provider: 'stripe' as const, paymentMethodId });
  const signalledEvents = (orderId: string, count: number) =>
    eventually(
      () => db.selectFrom('payment_events as e').innerJoin('payments as p', 'p.id', 'e.payment_id').select('e.processed_at').where('p.order_id', '=', orderId).execute(),
      (rows) => rows.length >= count && rows.every((row) => row.processed_at !== null),
      { what: `${count} payment events signalled to order ${orderId}` },
    );

  it('order-card-authorized-with-payment-events-then-cancelled', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const { orderId, status } = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, card('pm_card_visa')) });
    assert.equal(status, 'confirmed');
    await signalledEvents(orderId, 3);
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    await handle.executeUpdate(cancelOrderUpdate, { args: [support] });
    await handle.result();
    await signalledEvents(orderId, 4);
    await save('order-card-authorized-with-payment-events-then-cancelled', handle.workflowId);
  });

  it('order-card-declined', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const result = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, card('pm_card_chargeDeclined')) });
    assert.equal(result.status === 'rejected' && result.reason.type, 'PaymentDeclined');
    const handle = client().workflow.getHandle(orderWorkflowId(result.orderId));
    await handle.result();
    await save('order-card-declined', handle.workflowId);
  });

  it('expired-reservation-sweep', async () => {
    // Stock of a cancelled order left reserved past its expiry, and a pending order whose workflow never ran.
    const sku = await createStockedSku(db, 10);
    const expired = new Date(Date.now() - 60 * 60 * 1000);
    for (const status of ['cancelled', 'pending'] as const) {
      const order = await createOrder(db);
      assert.equal((await reserveStock(db, order.id, [{ sku: sku.sku, warehouseId: sku.warehouseId, quantity: 1 }], expired)).kind, 'reserved');
      await db.updateTable('orders').set({ status }).where('id', '=', order.id).execute();
    }
    const workflowId = uniqueId('expired-reservation-sweep');
    const result = await client().workflow.execute<ReleaseExpiredReservationsWorkflow>(releaseExpiredReservationsWorkflowType, { workflowId, taskQueue: taskQueues.inventory, args: [] });
    assert.ok(result.released > 0, JSON.stringify(result));
    await save('expired-reservation-sweep', workflowId);
  });

  it('restock-back-in-stock', async () => {
    // A sold-out SKU with a customer waiting for it: the restock queues their email.
    const sku = await createStockedSku(db, 0);
    assert.equal((await subscribeBackInStock(db, { sku: sku.sku, customerSubject: uniqueId('shopper'), email: 'waiting@example.com' })).kind, 'subscribed');
    const receiptId = uniqueId('ASN');
    const outcome = await client().workflow.execute<RestockWorkflow>(restockWorkflowType, {
      workflowId: restockWorkflowId(receiptId),
      taskQueue: taskQueues.inventory,
      args: [{ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku: sku.sku, quantity: 3 }], receivedBy: 'admin-1' }],
    });
    assert.equal(outcome.status, 'received');
    const told = await db.selectFrom('back_in_stock_subscriptions').select('status').where('sku', '=', sku.sku).executeTakeFirstOrThrow();
    assert.equal(told.status, 'notified');
    await save('restock-back-in-stock', restockWorkflowId(receiptId));
  });

  it('payment-event-redelivery', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const { orderId, status } = await startCheckout(shopper, cartId);
    assert.equal(status, 'confirmed');
    await storedPaymentEvent(db, orderId, REDELIVERY_GRACE_SECONDS * 5);
    const workflowId = uniqueId('payment-event-redelivery');
    const result = await client().workflow.execute<RedeliverPaymentEventsWorkflow>(redeliverPaymentEventsWorkflowType, { workflowId, taskQueue: taskQueues.orders, args: [] });
    assert.ok(result.delivered > 0, JSON.stringify(result));
    await save('payment-event-redelivery', workflowId);
  });

  it('email-sender', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    assert.equal((await startCheckout(shopper, cartId)).status, 'confirmed');
    const workflowId = uniqueId('email-sender');
    const result = await client().workflow.execute<SendPendingEmailsWorkflow>(sendPendingEmailsWorkflowType, { workflowId, taskQueue: taskQueues.notifications, args: [] });
    assert.ok(result.sent > 0, JSON.stringify(result));
    await save('email-sender', workflowId);
  });

  it('order-continued-as-new, then the continued run cancelled', async () => {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const { orderId } = await startCheckout(shopper, cartId, { continueAsNewAfterEvents: 40 });
    const handle = client().workflow.getHandle(orderWorkflowId(orderId));
    const firstRunId = (await handle.describe()).runId;
    while ((await handle.describe()).runId === firstRunId) {
      await handle.executeUpdate(holdOrderUpdate, { args: [support] });
      await handle.executeUpdate(releaseOrderUpdate, { args: [support] });
    }
    await handle.executeUpdate(cancelOrderUpdate, { args: [support] });
    await handle.result();
    await save('order-confirmed-then-continued-as-new', handle.workflowId, firstRunId);
    await save('order-continued-then-cancelled', handle.workflowId);
  });
  /** A 5000 USD card authorization of a new order, as checkout leaves it. */
  async function cardAuthorization(): Promise<{ orderId: string } & PaymentAuthorized> {
    const order = await createOrder(db, { totalAmount: 5000 });
    const providers = { stripe: createStripePaymentProvider({ stripe }), manual: createManualPaymentProvider() };
    const auth: PaymentAuthorized = await new MockActivityEnvironment({ workflowExecution: { workflowId: `order-${order.id}`, runId: randomUUID() } }, { logger: quietLogger }).run(
      authorizePayment,
      { db, providers },
      { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: { provider: 'stripe' as const, paymentMethodId: 'pm_card_visa' }, idempotencyKey: `order-${order.id}/authorize` },
    );
    return { orderId: order.id, ...auth };
  }
  const capture = (orderId: string, paymentId: string, n: number, amount: number, finalCapture: boolean) =>
    client().workflow.execute<CaptureOrderPaymentWorkflow>(captureOrderPaymentWorkflowType, {
      workflowId: captureWorkflowId(orderId, n),
      taskQueue: taskQueues.orders,
      args: [{ orderId, paymentId, amount: money(amount, 'USD'), finalCapture }],
    });

  it('capture-partial-after-a-lost-answer, then capture-final', async () => {
    const { orderId, paymentId, externalId } = await cardAuthorization();
    await stripeSandbox().fault({ method: 'POST', path: `/v1/payment_intents/${externalId}/capture`, idempotencyKeyPrefix: `capture-${orderId}-1/`, effect: 'lose-answer', times: 3 });
    assert.equal((await capture(orderId, paymentId, 1, 2000, false)).status, 'captured');
    assert.equal((await capture(orderId, paymentId, 2, 3000, true)).status, 'captured');
    await save('capture-partial-after-a-lost-answer', captureWorkflowId(orderId, 1));
    await save('capture-final', captureWorkflowId(orderId, 2));
  });

  it('capture-authorization-expired', async () => {
    const { orderId, paymentId, externalId } = await cardAuthorization();
    await stripeSandbox().expire(externalId);
    assert.equal((await capture(orderId, paymentId, 1, 5000, true)).status, 'authorization-expired');
    await save('capture-authorization-expired', captureWorkflowId(orderId, 1));
  });
});

describe('record shipment histories for replay', function () {
  this.timeout(120_000);
  const folder = path.join(__dirname, 'histories');
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
  });
  after(() => s.stop());

  it('shipment-delivered', async () => {
    const { input } = await reservedParcel(s.db, { overrides: { trackingPollAfter: '1 second' } });
    const client = testStack().temporal.client;
    const handle = await startParcel(client, input);
    await s.sandbox.webhookFault({ effect: 'out-of-order', reference: carrierReferenceFor(input.shipmentId), times: 1 });
    const actor = { id: 'picker-1', warehouseCode: input.warehouseCode };
    await handle.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
    await assert.rejects(handle.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] }));
    await handle.executeUpdate(handOverParcelUpdate, { args: [{ actor }] });
    assert.equal((await handle.result()).stage, 'delivered');
    const history = await handle.fetchHistory();
    writeFileSync(path.join(folder, 'shipment-delivered.json'), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
  });

  it('shipment-readdressed-then-delivered', async () => {
    const { input } = await reservedParcel(s.db, { overrides: { trackingPollAfter: '1 second' } });
    const handle = await startParcel(testStack().temporal.client, input);
    const actor = { id: 'picker-1', warehouseCode: input.warehouseCode };
    const first = await handle.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
    await handle.signal(changeParcelAddressSignal, { address: { ...input.shipTo, line1: '2 Elm St' }, actor: 'agent-1', reason: 'recorded for replay' });
    await eventually(() => handle.query(parcelStatusQuery), (v) => v.trackingNumber !== null && v.trackingNumber !== first.trackingNumber, { what: 'relabelled' });
    await handle.executeUpdate(handOverParcelUpdate, { args: [{ actor }] });
    assert.equal((await handle.result()).stage, 'delivered');
    writeFileSync(path.join(folder, 'shipment-readdressed-then-delivered.json'), `${JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory())), null, 2)}\n`);
  });

  it('shipment-cancelled-after-label', async () => {
    const { input } = await reservedParcel(s.db);
    const handle = await startParcel(testStack().temporal.client, input);
    await handle.executeUpdate(packParcelUpdate, { args: [{ actor: { id: 'picker-1', warehouseCode: input.warehouseCode }, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
    await handle.cancel();
    assert.equal((await handle.result()).stage, 'cancelled');
    writeFileSync(path.join(folder, 'shipment-cancelled-after-label.json'), `${JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory())), null, 2)}\n`);
  });

  it('order-shipped-delivered-closed', async () => {
    await redisReady(s.t.deps.redis);
    const shopper = await newShopper(s.t);
    const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1, price: 2500 });
    await giveTestWarehouseAnAddress(s.db);
    const answer = await startCheckout(shopper, cartId, {
      request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }),
      returnWindow: '1 second',
      parcelDeadlines: { trackingPollAfter: '2 seconds' },
    });
    assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
    const client = testStack().temporal.client;
    const order = client.workflow.getHandle(orderWorkflowId(answer.orderId));
    const [parcel] = (await eventually(() => order.query(orderStatusQuery), (v) => (v.shipments?.length ?? 0) === 1, { what: 'the parcel started' })).shipments!;
    const shipment = client.workflow.getHandle(shipmentWorkflowId(parcel!.shipmentId));
    const actor = { id: 'picker-1', warehouseCode: parcel!.warehouseCode };
    await shipment.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
    await shipment.executeUpdate(handOverParcelUpdate, { args: [{ actor }] });
    assert.equal((await order.result()).status, 'confirmed');
    for (const [name, workflowId] of [['order-shipped-delivered-closed', orderWorkflowId(answer.orderId)], ['shipment-of-a-closed-order', shipmentWorkflowId(parcel!.shipmentId)]] as const) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(path.join(folder, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
    }
  });
  it('refund-approved-succeeded-then-failed-late (and the order that started it)', async () => {
    await redisReady(s.t.deps.redis);
    // The sandbox sends the refund's webhooks to this API, so its late failure reaches the refund.
    const server = http.createServer(s.t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stripeClient = createStripe(testConfig());
    const endpoint = await stripeClient.webhookEndpoints.create({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`, enabled_events: ['*'] });
    try {
      const shopper = await newShopper(s.t);
      const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1, price: 2500 });
      await giveTestWarehouseAnAddress(s.db);
      const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_refundFail' }) });
      assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
      const client = testStack().temporal.client;
      const order = client.workflow.getHandle(orderWorkflowId(answer.orderId));
      const [parcel] = (await eventually(() => order.query(orderStatusQuery), (v) => (v.shipments?.length ?? 0) === 1, { what: 'the parcel started' })).shipments!;
      const shipment = client.workflow.getHandle(shipmentWorkflowId(parcel!.shipmentId));
      const actor = { id: 'picker-1', warehouseCode: parcel!.warehouseCode };
      await shipment.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
      await shipment.executeUpdate(handOverParcelUpdate, { args: [{ actor }] });
      await eventually(() => order.query(orderStatusQuery), (v) => (v.payment?.captured?.amount ?? 0) > 0, { what: 'the capture' });
      const refund = await order.executeUpdate(requestRefundUpdate, {
        args: [{ actor: { id: 'agent-1', role: 'support' }, reason: 'recorded for replay', refundReason: 'damaged', amount: 1000, approval: { threshold: 0, deadline: '1 hour' } }],
      });
      const refundHandle = client.workflow.getHandle(refundWorkflowId(refund.refundId));
      await eventually(() => refundHandle.query(refundStatusQuery), (r) => r.stage === 'awaiting_approval', { what: 'waiting for approval' });
      await refundHandle.executeUpdate(approveRefundUpdate, { args: [{ actor: { id: 'admin-1', role: 'admin' }, reason: 'recorded for replay' }] });
      assert.equal((await refundHandle.result()).stage, 'failed');
      await eventually(() => order.query(orderStatusQuery), (v) => v.timeline.some((e) => e.event === 'refund failed'), { what: 'the order told' });
      for (const [name, workflowId] of [['refund-approved-succeeded-then-failed-late', refundWorkflowId(refund.refundId)], ['order-refund-requested-then-failed', orderWorkflowId(answer.orderId)]] as const) {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(path.join(folder, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
      }
      await order.terminate('recorded');
    } finally {
      await stripeClient.webhookEndpoints.del(endpoint.id);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('record return histories for replay', function () {
  this.timeout(120_000);
  const folder = path.join(__dirname, 'histories');
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
  });
  after(() => s.stop());
  const saveReturn = async (name: string, handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> }) =>
    writeFileSync(path.join(folder, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory())), null, 2)}\n`);

  it('return-received', async () => {
    const order = await deliveredOrder(s.db, { quantity: 2 });
    const { handle } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 2 });
    await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { what: 'the label sent' });
    const receipt = { warehouseCode: TEST_WAREHOUSE_CODE, receivedBy: 'picker-1', lines: [{ orderItemId: order.itemId, units: ['restockable' as const, 'damaged' as const] }] };
    await assert.rejects(handle.executeUpdate(receiveReturnUpdate, { args: [{ ...receipt, warehouseCode: 'WH-OTHER' }] }));
    await Promise.all([handle.executeUpdate(receiveReturnUpdate, { args: [receipt] }), handle.executeUpdate(receiveReturnUpdate, { args: [receipt] })]);
    assert.equal((await handle.result()).status, 'received');
    await saveReturn('return-received', handle);
  });

  it('return-received-refund-asked-of-order', async () => {
    // The order's rows without its run: the return tells an order that is not there, and its refund is refused.
    const order = await deliveredOrder(s.db, { quantity: 2 });
    const { rmaId, handle } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 2 });
    await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { what: 'the label sent' });
    const receipt = { warehouseCode: TEST_WAREHOUSE_CODE, receivedBy: 'picker-1', lines: [{ orderItemId: order.itemId, units: ['restockable' as const, 'restockable' as const] }] };
    const outcome = await handle.executeUpdate(receiveReturnUpdate, { args: [receipt] });
    assert.equal(outcome.refund?.status, 'refund_refused');
    assert.equal((await handle.result()).status, 'received');
    assert.equal((await findReturn(s.db, rmaId))?.refund_status, 'refund_refused');
    await saveReturn('return-received-refund-asked-of-order', handle);
  });

  it('return-approved-by-support-then-label-unused', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1, unitPrice: 50_000 });
    const { handle } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 1, policy: { ...returnPolicy, labelValidity: '2 seconds' } });
    await handle.executeUpdate(decideReturnUpdate, { args: [{ decision: 'approve', actorId: 'agent-1', actorRole: 'support', reason: 'recorded for replay' }] });
    assert.equal((await handle.result()).status, 'expired');
    await saveReturn('return-approved-by-support-then-label-unused', handle);
  });

  it('return-denied', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1, unitPrice: 50_000 });
    const { handle } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 1 });
    await handle.executeUpdate(decideReturnUpdate, { args: [{ decision: 'deny', actorId: 'agent-1', actorRole: 'support', reason: 'recorded for replay' }] });
    assert.equal((await handle.result()).status, 'denied');
    await saveReturn('return-denied', handle);
  });

  it('return-approval-expired', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1, unitPrice: 50_000 });
    const { handle } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 1, policy: { ...returnPolicy, approvalTimeout: '1 second' } });
    assert.equal((await handle.result()).status, 'expired');
    await saveReturn('return-approval-expired', handle);
  });
});
