import assert from 'node:assert/strict';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findShipment } from '../../db/shipments';
import type { OrderView } from '../../workflows/order/order.messages';
import { ShipmentStatus } from '../../workflows/shared/search-attributes';
import { shipmentWorkflowId, type ParcelView, type ShipParcelWorkflow } from '../../workflows/shipment/ship-parcel.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, usAddress, type Shopper } from '../support/checkout-fixtures';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { testStack } from '../support/test-stack';

const packed = { weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } };

/**
 * What support's actions and the order's cancellation do to its parcels, through the API on the
 * real stack: a new address reaches every parcel not yet handed over (voiding and buying labels
 * at the carrier sandbox), a hold stops the warehouse, and a cancelled order cancels its parcels.
 */
describe("support's actions reach the order's parcels (order and parcel workflows, carrier sandbox, API, PostgreSQL)", function () {
  this.timeout(90_000);
  let s: ParcelStack;
  let support: string;
  let picker: string;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    support = await s.t.bearer('support', 'agent-smith');
    picker = await s.t.bearer('warehouse');
  });
  after(() => s.stop());

  const order = async (orderId: string): Promise<OrderView> => (await request(s.t.app).get(`/support/orders/${orderId}`).set('Authorization', support)).body;
  const parcelAt = (shipmentId: string, action = '') => `/warehouse/${TEST_WAREHOUSE_CODE}/shipments/${shipmentId}${action}`;
  const parcel = async (shipmentId: string): Promise<ParcelView> => (await request(s.t.app).get(parcelAt(shipmentId)).set('Authorization', picker)).body;
  const pack = (shipmentId: string) => request(s.t.app).post(parcelAt(shipmentId, '/pack')).set('Authorization', picker).send(packed);
  const handOver = (shipmentId: string) => request(s.t.app).post(parcelAt(shipmentId, '/hand-over')).set('Authorization', picker).send();
  const act = (orderId: string, action: string, reason: string) => request(s.t.app).post(`/support/orders/${orderId}/${action}`).set('Authorization', support).send({ reason });
  const readdress = (orderId: string, line1: string) =>
    request(s.t.app).put(`/support/orders/${orderId}/shipping-address`).set('Authorization', support).send({ reason: 'the customer gave the right address', address: { ...usAddress, line1 } });

  /** A confirmed order of one parcel from the test warehouse, and that parcel once it started. */
  const placeOrder = async (shipTo = usAddress): Promise<{ orderId: string; shipmentId: string; shopper: Shopper }> => {
    const shopper = await newShopper(s.t);
    const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1 });
    // Stocking a SKU sets up the test warehouse again: give it back an address the carrier can rate.
    await giveTestWarehouseAnAddress(s.db);
    const placed = await postCheckout(s.t, shopper, checkoutBody(shopper, cartId, { shippingAddress: shipTo }));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const orderId = placed.body.orderId as string;
    const started = await eventually(() => order(orderId), (v) => v.shipments?.length === 1, { what: 'the parcel started' });
    const shipmentId = started.shipments![0]!.shipmentId;
    await eventually(() => findShipment(s.db, shipmentId), (row) => row !== undefined, { what: 'the shipment row' });
    return { orderId, shipmentId, shopper };
  };

  it('support fixes an undeliverable address: the parcel is labelled from its last packing; a second change voids that label and buys another, leaving exactly one live label', async () => {
    const { orderId, shipmentId } = await placeOrder({ ...usAddress, line1: '9 Undeliverable Rd' });
    const first = await pack(shipmentId);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.stage, 'address_problem');
    await eventually(() => order(orderId), (v) => v.shipments![0]!.stage === 'address_problem', { what: 'the order told of the address problem' });

    // The fix reaches the parcel, which labels itself from the packing it had: no new pack.
    const fixed = await readdress(orderId, '2 Elm St');
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.equal(fixed.body.shippingAddress.line1, '2 Elm St');
    const labelled = await eventually(() => parcel(shipmentId), (p) => p.stage === 'label_purchased', { what: 'labelled for the fixed address' });
    const firstTracking = labelled.trackingNumber!;
    assert.ok(firstTracking);
    assert.equal(await s.sandbox.labels(carrierReferenceFor(shipmentId)), 1);

    // A second change: that label is voided at the carrier and a new one bought under the next reference.
    assert.equal((await readdress(orderId, '3 Oak Ave')).status, 200);
    const relabelled = await eventually(() => parcel(shipmentId), (p) => p.stage === 'label_purchased' && p.trackingNumber !== firstTracking, { what: 'relabelled' });
    const events = relabelled.history.map((h) => h.event);
    for (const event of ['address changed', 'relabelled', 'label voided']) assert.ok(events.includes(event), `${event} in ${JSON.stringify(events)}`);

    const voided = await eventually(() => s.sandbox.labelPurchases(carrierReferenceFor(shipmentId)), (all) => all.every((p) => p.refund_status === 'refunded'), { what: 'the first label refunded' });
    assert.deepEqual(voided.map((p) => p.tracking_code), [firstTracking]);
    const live = await s.sandbox.labelPurchases(carrierReferenceFor(shipmentId, 2));
    assert.deepEqual(live.map((p) => [p.tracking_code, p.refund_status]), [[relabelled.trackingNumber, null]]);

    const row = await findShipment(s.db, shipmentId);
    assert.deepEqual([row?.tracking_number, row?.label_url, row?.carrier_reference, row?.ship_to.line1, row?.status, row?.refund_status], [relabelled.trackingNumber, relabelled.labelUrl, carrierReferenceFor(shipmentId, 2), '3 Oak Ave', 'label_purchased', null]);
    const timeline = (await eventually(() => order(orderId), (v) => v.timeline.some((e) => e.event === 'label voided') && v.timeline.filter((e) => e.event === 'relabelled').length === 2, { what: 'the order told' })).timeline;
    assert.ok(timeline.some((e) => e.event === 'label voided' && e.detail?.includes(firstTracking)), JSON.stringify(timeline));
    assert.equal((await order(orderId)).shipments![0]!.stage, 'started');

    // The new label goes: once it is with the carrier, the address stays.
    const handed = await handOver(shipmentId);
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    assert.equal(handed.body.trackingNumber, relabelled.trackingNumber);
    await eventually(() => order(orderId), (v) => ['shipped', 'delivered', 'closed'].includes(v.status), { what: 'the order shipped' });
    const late = await readdress(orderId, '4 Pine Rd');
    assert.equal(late.status, 409);
    assert.equal(late.body.type, '/problems/already-shipped');
  });

  it('a cancelled order cancels its labelled parcel: the label is voided at the carrier, the row cancelled, and the run ends cancelled', async () => {
    const { orderId, shipmentId, shopper } = await placeOrder();
    const packedRes = await pack(shipmentId);
    assert.equal(packedRes.body.stage, 'label_purchased', JSON.stringify(packedRes.body));
    const cancelled = await request(s.t.app).post(`/orders/${orderId}/cancel`).set('Authorization', shopper.bearer).send({ reason: 'changed my mind' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'cancelled');

    const run = testStack().temporal.client.workflow.getHandle<ShipParcelWorkflow>(shipmentWorkflowId(shipmentId));
    assert.deepEqual(await run.result(), { shipmentId, stage: 'cancelled' });
    const described = await run.describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.typedSearchAttributes.get(ShipmentStatus), 'CANCELLED');
    const purchases = await eventually(() => s.sandbox.labelPurchases(carrierReferenceFor(shipmentId)), (all) => all.every((p) => p.refund_status === 'refunded'), { what: 'the label refunded' });
    assert.equal(purchases.length, 1);
    assert.equal((await findShipment(s.db, shipmentId))?.status, 'cancelled');
    assert.equal((await order(orderId)).shipments![0]!.stage, 'cancelled');
  });

  it('a held order: the warehouse may neither pack nor hand over its parcel (409 parcel-on-hold) until support releases it', async () => {
    const { orderId, shipmentId } = await placeOrder();
    const heard = (event: string, times: number) => eventually(() => parcel(shipmentId), (p) => p.history.filter((h) => h.event === event).length === times, { what: `the parcel ${event}` });

    assert.equal((await act(orderId, 'hold', 'customer asked to wait')).body.fulfillmentHeld, true);
    await heard('held', 1);
    const refusedPack = await pack(shipmentId);
    assert.equal(refusedPack.status, 409, JSON.stringify(refusedPack.body));
    assert.equal(refusedPack.body.type, '/problems/parcel-on-hold');
    assert.equal(refusedPack.body.stage, 'awaiting_pack');

    assert.equal((await act(orderId, 'release', 'customer is ready')).body.fulfillmentHeld, false);
    await heard('released', 1);
    assert.equal((await pack(shipmentId)).body.stage, 'label_purchased');

    assert.equal((await act(orderId, 'hold', 'payment query')).status, 200);
    await heard('held', 2);
    const refusedHandOver = await handOver(shipmentId);
    assert.equal(refusedHandOver.status, 409, JSON.stringify(refusedHandOver.body));
    assert.equal(refusedHandOver.body.type, '/problems/parcel-on-hold');

    assert.equal((await act(orderId, 'release', 'payment cleared')).status, 200);
    await heard('released', 2);
    const handed = await handOver(shipmentId);
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    assert.equal(handed.body.stage, 'handed_over');
  });
});
