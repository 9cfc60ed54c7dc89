import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { findShipment } from '../../db/shipments';
import { ShipmentStatus } from '../../workflows/shared/search-attributes';
import { changeParcelAddressSignal, parcelStatusQuery, type ParcelView, type ShipParcelInput, type ShipParcelWorkflow } from '../../workflows/shipment/ship-parcel.messages';
import { easyPostJson, signature } from '../../sandboxes/carrier/webhooks';
import { CARRIER_TEST_WEBHOOK_SECRET } from '../support/carrier-sandbox';
import { eventually } from '../support/eventually';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { reservedParcel, shopperAddress, startParcel } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { testStack } from '../support/test-stack';

const packed = { weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } };
const trackingOrder = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'];

describe('the parcel workflow shipment-<id> (carrier sandbox, real workers, API, PostgreSQL)', function () {
  this.timeout(60_000);
  let s: ParcelStack;
  let picker: string;

  before(async () => {
    s = await startParcelStack();
    picker = await s.t.bearer('warehouse');
  });
  after(() => s.stop());
  afterEach(() => s.sandbox.clearFaults());

  const client = () => testStack().temporal.client;
  const at = (input: ShipParcelInput, action = '') => `/warehouse/${TEST_WAREHOUSE_CODE}/shipments/${input.shipmentId}${action}`;
  const pack = (input: ShipParcelInput, bearer = picker) => request(s.t.app).post(at(input, '/pack')).set('Authorization', bearer).send(packed);
  const handOver = (input: ShipParcelInput, bearer = picker) => request(s.t.app).post(at(input, '/hand-over')).set('Authorization', bearer).send();
  const view = (handle: WorkflowHandle<ShipParcelWorkflow>) => handle.query(parcelStatusQuery);
  /** The tracking statuses the parcel's history shows, in the order it took them. */
  const trackingSteps = (parcel: ParcelView) => parcel.history.filter((h) => h.event.startsWith('tracking ')).map((h) => h.event.slice('tracking '.length));
  const started = async (options: Parameters<typeof reservedParcel>[1] = {}) => {
    const parcel = await reservedParcel(s.db, options);
    return { ...parcel, handle: await startParcel(client(), parcel.input) };
  };
  const stockOf = (sku: string, warehouseId: string) => s.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).where('warehouse_id', '=', warehouseId).executeTakeFirstOrThrow();

  it('packs, buys one label, hands over (the stock leaves), is tracked by signed webhooks to delivered, and ends delivered', async () => {
    const { input, handle, sku, warehouseId } = await started();
    const reference = carrierReferenceFor(input.shipmentId);

    const packedRes = await pack(input);
    assert.equal(packedRes.status, 200, JSON.stringify(packedRes.body));
    assert.equal(packedRes.body.stage, 'label_purchased');
    assert.deepEqual([packedRes.body.carrier, packedRes.body.service], ['SandboxPost', 'Ground']);
    assert.match(packedRes.body.labelUrl, /\/files\/postage_label\//);
    assert.equal(await s.sandbox.labels(reference), 1);

    const shown = await request(s.t.app).get(at(input)).set('Authorization', picker);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.labelUrl, packedRes.body.labelUrl);

    const handed = await handOver(input);
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    assert.equal(handed.body.stage, 'handed_over');
    assert.deepEqual(await stockOf(sku, warehouseId), { on_hand: 8, reserved: 0 });
    const movements = await s.db.selectFrom('inventory_movements').select(['reason', 'quantity_delta', 'reference_type']).where('reference_id', '=', input.shipmentId).execute();
    assert.deepEqual(movements, [{ reason: 'reservation_commit', quantity_delta: -2, reference_type: 'shipment' }]);
    const reservation = await s.db.selectFrom('inventory_reservations').select(['status']).where('order_id', '=', input.orderId).executeTakeFirstOrThrow();
    assert.equal(reservation.status, 'committed');
    assert.deepEqual(await findInventoryDrift(s.db, { skus: [sku] }), []);

    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'delivered' });
    const parcel = await view(handle);
    assert.equal(parcel.tracking, 'delivered');
    assert.deepEqual(trackingSteps(parcel), trackingOrder);
    // No order workflow runs for this parcel: the reports fail quietly and the parcel goes on.
    assert.ok(parcel.history.some((h) => h.event === 'could not report handed-over to the order'));
    const row = await findShipment(s.db, input.shipmentId);
    assert.equal(row?.status, 'delivered');
    assert.ok(row?.shipped_at && row.delivered_at);
    const stored = await s.db.selectFrom('shipment_events').select('status').where('shipment_id', '=', input.shipmentId).execute();
    assert.ok(stored.some((e) => e.status === 'delivered'));
    // The sandbox records a delivery once our answer reaches it, which can be after the run ended.
    const deliveries = await eventually(() => s.sandbox.webhookDeliveries({ reference }), (all) => all.length >= 4, { what: 'four webhook deliveries' });
    assert.ok(deliveries.every((d) => d.status === 200), JSON.stringify(deliveries));
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(ShipmentStatus), 'DELIVERED');
    assert.match((await described.staticSummary()) ?? '', /Parcel .* from TEST-DB-1/);
  });

  it('ends in the same state through duplicate, out-of-order and lost webhooks, never back from delivered, polling for what was lost', async () => {
    const { input, handle } = await started({ overrides: { trackingPollAfter: '1 second' } });
    const reference = carrierReferenceFor(input.shipmentId);
    await s.sandbox.webhookFault({ effect: 'duplicate', reference, times: 2 });
    await s.sandbox.webhookFault({ effect: 'out-of-order', reference, times: 2 });
    assert.equal((await pack(input)).status, 200);
    await s.sandbox.webhookFault({ effect: 'lose', reference, times: 1 });
    assert.equal((await handOver(input)).status, 200);
    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'delivered' });
    const steps = trackingSteps(await view(handle));
    assert.equal(steps.at(-1), 'delivered');
    assert.deepEqual(steps, trackingOrder.filter((step) => steps.includes(step)));
  });

  it('learns of delivery by polling the carrier when every webhook is lost', async () => {
    const { input, handle } = await started({ overrides: { trackingPollAfter: '1 second' } });
    await s.sandbox.webhookFault({ effect: 'lose', reference: carrierReferenceFor(input.shipmentId), times: 100 });
    assert.equal((await pack(input)).status, 200);
    assert.equal((await handOver(input)).status, 200);
    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'delivered' });
    const parcel = await view(handle);
    assert.ok(parcel.history.some((h) => h.event === 'tracking delivered' && h.detail?.startsWith('poll ')), JSON.stringify(parcel.history));
  });

  it('buys exactly one label through carrier 500s and lost answers', async () => {
    const { input } = await started();
    const reference = carrierReferenceFor(input.shipmentId);
    await s.sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'fail', times: 2 });
    await s.sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'lose-answer', times: 1 });
    const res = await pack(input);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const parcel = await eventually(() => request(s.t.app).get(at(input)).set('Authorization', picker), (r) => r.body.stage === 'label_purchased', { what: 'label bought' });
    assert.ok(parcel.body.trackingNumber);
    assert.equal(await s.sandbox.labels(reference), 1);
    await s.sandbox.clearFaults();
    assert.equal((await handOver(input)).status, 200);
  });

  for (const [outcome, stage, rowStatus] of [['return_to_sender', 'returned', 'returned'], ['failure', 'failed', 'exception']] as const) {
    it(`ends ${stage} when the carrier's journey ends in ${outcome}, and reports it`, async () => {
      const { input, handle } = await started();
      assert.equal((await pack(input)).status, 200);
      await s.sandbox.outcome(carrierReferenceFor(input.shipmentId), outcome);
      assert.equal((await handOver(input)).status, 200);
      assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage });
      const parcel = await view(handle);
      assert.equal(parcel.tracking, outcome);
      assert.ok(parcel.history.some((h) => h.event === `could not report ${stage} to the order`));
      assert.equal((await findShipment(s.db, input.shipmentId))?.status, rowStatus);
    });
  }

  it('stops at address_problem for an undeliverable address, and reports it', async () => {
    const { input, handle } = await started({ shipTo: { ...shopperAddress, line1: '9 Undeliverable Rd' } });
    const res = await pack(input);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.stage, 'address_problem');
    assert.equal(res.body.labelUrl, null);
    assert.equal(await s.sandbox.labels(carrierReferenceFor(input.shipmentId)), 0);
    assert.ok((await view(handle)).history.some((h) => h.event === 'could not report address-problem to the order'));
    assert.equal((await handle.describe()).typedSearchAttributes.get(ShipmentStatus), 'ADDRESS_PROBLEM');
    await handle.terminate('test done');
  });

  it('cancelled by its order before the handover: voids its label at the carrier, cancels its row, and ends cancelled', async () => {
    const { input, handle } = await started();
    const reference = carrierReferenceFor(input.shipmentId);
    assert.equal((await pack(input)).status, 200);
    await handle.cancel();
    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'cancelled' });
    const described = await handle.describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.typedSearchAttributes.get(ShipmentStatus), 'CANCELLED');
    const parcel = await view(handle);
    assert.equal(parcel.stage, 'cancelled');
    assert.ok(parcel.history.some((h) => h.event === 'label voided' && h.detail?.includes('its order was cancelled')), JSON.stringify(parcel.history));
    const row = await findShipment(s.db, input.shipmentId);
    assert.equal(row?.status, 'cancelled');
    assert.ok(row?.refund_status === 'submitted' || row?.refund_status === 'refunded', row?.refund_status ?? 'no refund');
    // The carrier settles the refund a step later: the one label bought is refunded, none is live.
    const purchases = await eventually(() => s.sandbox.labelPurchases(reference), (all) => all.every((p) => p.refund_status === 'refunded'), { what: 'the label refunded' });
    assert.equal(purchases.length, 1);
    const again = await pack(input);
    assert.equal(again.status, 409);
    assert.equal(again.body.type, '/problems/parcel-final');
  });

  it('cancelled before it was packed: nothing to void, its row is cancelled', async () => {
    const { input, handle } = await started();
    await handle.cancel();
    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'cancelled' });
    assert.equal((await findShipment(s.db, input.shipmentId))?.status, 'cancelled');
    assert.equal(await s.sandbox.labels(carrierReferenceFor(input.shipmentId)), 0);
    assert.equal((await handle.describe()).typedSearchAttributes.get(ShipmentStatus), 'CANCELLED');
  });

  it('keeps its address once handed over: a new address is refused with its reason, and a cancellation is ignored', async () => {
    const { input, handle } = await started();
    assert.equal((await pack(input)).status, 200);
    assert.equal((await handOver(input)).status, 200);
    await handle.signal(changeParcelAddressSignal, { address: { ...shopperAddress, line1: '2 Elm St' }, actor: 'agent-smith', reason: 'customer moved' });
    await handle.cancel();
    assert.deepEqual(await handle.result(), { shipmentId: input.shipmentId, stage: 'delivered' });
    const parcel = await view(handle);
    const refused = parcel.history.find((h) => h.event === 'address change refused');
    assert.ok(refused, JSON.stringify(parcel.history));
    assert.ok(parcel.history.some((h) => h.event === 'could not report address-change-refused to the order'));
    assert.ok(parcel.history.some((h) => h.event === 'cancellation ignored'));
    assert.equal(await s.sandbox.labels(carrierReferenceFor(input.shipmentId)), 1);
    assert.equal((await findShipment(s.db, input.shipmentId))?.ship_to.line1, shopperAddress.line1);
  });

  it('refuses another warehouse (403), a handover before packing (409 with its type), and an unknown parcel (404)', async () => {
    const { input, handle } = await started();
    const other = await s.t.warehouseBearer('OTHER-WH-9');
    const foreign = await request(s.t.app).post(at(input, '/pack')).set('Authorization', other).send(packed);
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.type, '/problems/forbidden');

    const early = await handOver(input);
    assert.equal(early.status, 409);
    assert.equal(early.body.type, '/problems/parcel-label-not-bought');
    assert.equal(early.body.stage, 'awaiting_pack');

    const unknown = await request(s.t.app).get(`/warehouse/${TEST_WAREHOUSE_CODE}/shipments/00000000-0000-4000-8000-000000000000`).set('Authorization', picker);
    assert.equal(unknown.status, 404);
    const badSize = await request(s.t.app).post(at(input, '/pack')).set('Authorization', picker).send({ weightGrams: 0, dimensionsCm: packed.dimensionsCm });
    assert.equal(badSize.status, 400);

    assert.equal((await pack(input)).status, 200);
    const again = await pack(input);
    assert.equal(again.status, 409);
    assert.equal(again.body.type, '/problems/parcel-not-awaiting-pack');
    await handle.terminate('test done');
  });

  it('notes an overdue label and a late parcel in its history and search attributes, and keeps waiting', async () => {
    const { handle } = await started({ overrides: { labelDeadline: '1 second', promisedDeliveryBy: new Date(Date.now() + 2_000).toISOString(), deliveryGrace: '1 second' } });
    await eventually(() => handle.describe(), (d) => d.typedSearchAttributes.get(ShipmentStatus) === 'LABEL_OVERDUE', { what: 'LABEL_OVERDUE' });
    // The report follows the note in a later workflow task: wait for its outcome too.
    const late = await eventually(() => view(handle), (p) => p.late && p.history.some((h) => h.event === 'could not report late to the order'), { what: 'late, and reported' });
    assert.equal(late.stage, 'awaiting_pack');
    assert.ok(late.history.some((h) => h.event === 'label overdue'));
    assert.equal((await handle.describe()).typedSearchAttributes.get(ShipmentStatus), 'DELAYED');
    await handle.terminate('test done');
  });

  describe('the carrier webhook', () => {
    // Carrier time, in whole seconds as EasyPost gives it, a minute before anything the sandbox says.
    const carrierTime = () => new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString().replace('.000Z', 'Z');
    const trackerEvent = (id: string, trackingCode: string, status: string) => ({
      id,
      object: 'Event',
      description: 'tracker.updated',
      created_at: carrierTime(),
      previous_attributes: {},
      result: { object: 'Tracker', id: 'trk_test', tracking_code: trackingCode, status, carrier: 'SandboxPost', shipment_id: null, weight: 16, tracking_details: [{ status, datetime: carrierTime() }] },
    });
    const post = (event: object, secret = CARRIER_TEST_WEBHOOK_SECRET) => {
      const body = easyPostJson(event);
      return request(s.t.app).post('/webhooks/carrier').set('Content-Type', 'application/json').set('X-Hmac-Signature', signature(body, secret)).send(body);
    };

    it('refuses a body not signed with our secret', async () => {
      const res = await post(trackerEvent('evt_forged', 'EZ404', 'delivered'), 'not-our-secret');
      assert.equal(res.status, 400);
      assert.equal(res.body.errors[0].path, 'X-Hmac-Signature');
    });

    it('ignores events about parcels that are not ours', async () => {
      const res = await post(trackerEvent('evt_stranger', 'EZ-NOT-OURS', 'in_transit'));
      assert.deepEqual(res.body, { received: true, outcome: 'ignored' });
    });

    it('keeps an event whose workflow is not there yet, once; the workflow reads it when it starts tracking', async () => {
      const { input } = await reservedParcel(s.db, { overrides: { trackingPollAfter: '1 second' } });
      // The carrier's own webhooks for the parcel are lost: what it learns first is the stored event.
      await s.sandbox.webhookFault({ effect: 'lose', reference: carrierReferenceFor(input.shipmentId), times: 100 });
      const early = `EZEARLY${input.shipmentId.slice(0, 8)}`;
      await s.db.updateTable('shipments').set({ carrier: 'SandboxPost', tracking_number: early }).where('id', '=', input.shipmentId).execute();
      const event = trackerEvent(`evt_early_${input.shipmentId}`, early, 'pre_transit');
      assert.deepEqual((await post(event)).body, { received: true, outcome: 'stored' });
      assert.deepEqual((await post(event)).body, { received: true, outcome: 'duplicate' });
      assert.equal((await s.db.selectFrom('shipment_events').select('id').where('shipment_id', '=', input.shipmentId).execute()).length, 1);

      // The label bought later replaces the tracking number; the event stays the parcel's.
      await s.db.updateTable('shipments').set({ carrier: null, tracking_number: null }).where('id', '=', input.shipmentId).execute();
      const handle = await startParcel(client(), input);
      assert.equal((await pack(input)).status, 200);
      assert.equal((await handOver(input)).status, 200);
      assert.equal((await handle.result()).stage, 'delivered');
      const parcel = await view(handle);
      assert.ok(parcel.history.some((h) => h.detail === `stored ${event.id}`), JSON.stringify(parcel.history));
    });
  });
});
