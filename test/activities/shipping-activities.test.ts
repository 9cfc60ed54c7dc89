import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import type { RateRequest, ShipmentRequest } from '../../activities/shipping/carrier';
import { createEasyPostCarrier } from '../../activities/shipping/easypost-carrier';
import { createRateCardCarrier } from '../../activities/shipping/rate-card-carrier';
import { carrierReferenceFor, createShippingActivities } from '../../activities/shipping/shipping-activities';
import { createUnconfiguredCarrier } from '../../activities/shipping/unconfigured-carrier';
import type { Database } from '../../db/database';
import { findShipment } from '../../db/shipments';
import { startCarrierSandbox, type RunningCarrierSandbox } from '../support/carrier-sandbox';
import { createOrder, createStockedSku, createTestDb } from '../support/db-fixtures';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { quietLogger } from '../support/test-stack';

const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => env.run(fn, ...args) as Promise<R>;

/** A business or non-retryable failure, as Temporal would not retry it. */
const isFinal = (error: unknown) => error instanceof ApplicationFailure && error.nonRetryable;

describe('shipping activities (rate-card carrier)', () => {
  const { quoteShipping } = createShippingActivities({ db: {} as Kysely<Database>, carrier: createRateCardCarrier(), shippingCarrier: createUnconfiguredCarrier() });
  const destination = { country: 'US', region: 'IL', postalCode: '62701' };
  const quote = (request: RateRequest) => run(quoteShipping, request);

  it('quotes by speed and weight in the order currency', async () => {
    const standard = await quote({ destination, speed: 'standard', currency: 'USD', size: { units: 1, weightGrams: 500 } });
    const overnight = await quote({ destination, speed: 'overnight', currency: 'USD', size: { units: 1, weightGrams: 500 } });
    const heavy = await quote({ destination, speed: 'standard', currency: 'USD', size: { units: 4, weightGrams: 9_000 } });
    assert.equal(standard.currency, 'USD');
    assert.ok(Number.isSafeInteger(standard.amount) && standard.amount > 0);
    assert.ok(overnight.amount > standard.amount);
    assert.ok(heavy.amount > standard.amount);
  });

  it('refuses what the carrier cannot take as AddressUndeliverable, a business failure', async () => {
    await assert.rejects(
      quote({ destination, speed: 'standard', currency: 'JPY', size: { units: 1, weightGrams: 500 } }),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'AddressUndeliverable' && error.nonRetryable === true,
    );
  });
});

describe('shipping activities (EasyPost adapter against the carrier sandbox, PostgreSQL)', function () {
  this.timeout(30_000);
  let db: Kysely<Database>;
  let sandbox: RunningCarrierSandbox;
  let activities: ReturnType<typeof createShippingActivities>;
  let warehouseId: string;

  // Leaves from the test warehouse, whose address giveTestWarehouseAnAddress sets.
  const request: ShipmentRequest = {
    from: { name: 'Test DB Warehouse', line1: '100 Warehouse Way', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
    to: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    parcel: { weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } },
  };

  before(async () => {
    db = createTestDb();
    sandbox = await startCarrierSandbox();
    // A short client timeout, so a hung carrier fails the attempt quickly and the next one runs.
    activities = createShippingActivities({ db, carrier: createRateCardCarrier(), shippingCarrier: createEasyPostCarrier(sandbox.client(400)) });
    warehouseId = (await createStockedSku(db, 0)).warehouseId;
    await giveTestWarehouseAnAddress(db);
  });
  after(async () => {
    await sandbox.stop();
    await db.destroy();
  });
  afterEach(() => sandbox.clearFaults());

  const newShipment = async (): Promise<string> => {
    const order = await createOrder(db);
    const row = await db
      .insertInto('shipments')
      .values({ order_id: order.id, warehouse_id: warehouseId, ship_to: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' } })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const chosenShipment = async (speed: 'standard' | 'express' = 'standard'): Promise<string> => {
    const shipmentId = await newShipment();
    await run(activities.chooseShippingRate, { shipmentId, to: request.to, parcel: request.parcel, speed, currency: 'USD' });
    return shipmentId;
  };
  /** Runs an activity as Temporal would: again after every retryable failure, up to `attempts` times. */
  const retried = async <R>(attempt: () => Promise<R>, attempts = 6): Promise<{ result: R; failures: unknown[] }> => {
    const failures: unknown[] = [];
    for (;;) {
      try {
        return { result: await attempt(), failures };
      } catch (error) {
        if (isFinal(error) || failures.length + 1 >= attempts) throw error;
        failures.push(error);
      }
    }
  };
  const buy = (shipmentId: string) => run(activities.buyShippingLabel, { shipmentId, to: request.to, parcel: request.parcel });

  describe('address verification', () => {
    it('answers the address as the carrier normalises it', async () => {
      const verified = await run(activities.verifyShippingAddress, { ...request.to, line1: '1 main st' });
      assert.equal(verified.line1, '1 MAIN ST');
      assert.equal(verified.postalCode, '62701');
    });

    it('refuses an undeliverable address as AddressUndeliverable', async () => {
      await assert.rejects(
        run(activities.verifyShippingAddress, { ...request.to, line1: '9 Undeliverable Rd' }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'AddressUndeliverable' && error.nonRetryable,
      );
    });
  });

  describe('rate shopping', () => {
    it('keeps the cheapest service that meets the promised speed, and that first choice answers every retry', async () => {
      const shipmentId = await newShipment();
      const standard = await run(activities.chooseShippingRate, { shipmentId, to: request.to, parcel: request.parcel, speed: 'standard', currency: 'USD' });
      // 900 g is 31.7 oz (2 lb); 30x20x10 cm is 11.8x7.9x3.9 in (3 lb dimensional); zone 4: Ground 4.50 + 1.65 + 1.40.
      assert.deepEqual([standard.carrier, standard.service, standard.amount], ['SandboxPost', 'Ground', { amount: 755, currency: 'USD' }]);
      const row = await findShipment(db, shipmentId);
      assert.deepEqual([row?.carrier, row?.service, row?.quoted_amount, row?.quoted_currency], ['SandboxPost', 'Ground', 755, 'USD']);
      const again = await run(activities.chooseShippingRate, { shipmentId, to: request.to, parcel: request.parcel, speed: 'express', currency: 'USD' });
      assert.deepEqual([again.carrier, again.service], ['SandboxPost', 'Ground']);

      const express = await run(activities.chooseShippingRate, { shipmentId: await newShipment(), to: request.to, parcel: request.parcel, speed: 'express', currency: 'USD' });
      assert.deepEqual([express.carrier, express.service], ['SandboxPost', 'Priority']);
    });

    it('fails for good when no service keeps the promise', async () => {
      await assert.rejects(
        run(activities.chooseShippingRate, { shipmentId: await newShipment(), to: request.to, parcel: request.parcel, speed: 'standard', currency: 'EUR' }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'NoRateForSpeed' && error.nonRetryable,
      );
    });
  });

  describe('label purchase, exactly once per parcel', () => {
    it('buys the chosen service and keeps the label; running again answers the same label without buying', async () => {
      const shipmentId = await chosenShipment();
      const label = await buy(shipmentId);
      assert.deepEqual([label.carrier, label.service, label.cost], ['SandboxPost', 'Ground', { amount: 755, currency: 'USD' }]);
      const row = await findShipment(db, shipmentId);
      assert.deepEqual(
        [row?.status, row?.tracking_number, row?.label_url, row?.carrier_shipment_id, row?.carrier_reference, row?.cost_amount, row?.carrier_tracker_id],
        ['label_purchased', label.trackingCode, label.labelUrl, label.carrierShipmentId, carrierReferenceFor(shipmentId), 755, label.trackerId],
      );
      assert.deepEqual(await buy(shipmentId), label);
      assert.equal(await sandbox.labels(carrierReferenceFor(shipmentId)), 1);
      assert.equal((await sandbox.requests({ reference: carrierReferenceFor(shipmentId), path: '/v2/shipments/*' })).filter((r) => r.path.endsWith('/buy')).length, 1);
    });

    it('carrier 500s on the purchase: retried until bought, one label', async () => {
      const shipmentId = await chosenShipment();
      const reference = carrierReferenceFor(shipmentId);
      await sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'fail', times: 2 });
      const { result, failures } = await retried(() => buy(shipmentId));
      assert.equal(failures.length, 2);
      assert.equal(await sandbox.labels(reference), 1);
      assert.equal((await findShipment(db, shipmentId))?.tracking_number, result.trackingCode);
    });

    it('a purchase whose answer is lost (500 after buying): the retry finds the label at the carrier, one label', async () => {
      const shipmentId = await chosenShipment();
      const reference = carrierReferenceFor(shipmentId);
      await sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'lose-answer' });
      const { result, failures } = await retried(() => buy(shipmentId));
      assert.equal(failures.length, 1);
      assert.equal(await sandbox.labels(reference), 1);
      assert.equal((await sandbox.requests({ reference, method: 'POST', path: '/v2/shipments/*' })).length, 1, 'bought once');
      assert.equal((await findShipment(db, shipmentId))?.tracking_number, result.trackingCode);
    });

    it('timeouts during the purchase (the carrier hangs, or answers too late): one label each', async () => {
      for (const fault of [{ effect: 'hang' as const }, { effect: 'delay' as const, delayMs: 1_000 }]) {
        const shipmentId = await chosenShipment();
        const reference = carrierReferenceFor(shipmentId);
        await sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, ...fault });
        const { result, failures } = await retried(() => buy(shipmentId));
        assert.equal(failures.length, 1, fault.effect);
        assert.match(String(failures[0]), /timeout/i);
        assert.equal(await sandbox.labels(reference), 1, fault.effect);
        assert.equal((await findShipment(db, shipmentId))?.label_url, result.labelUrl);
      }
    });

    it('"postage exists" (another attempt bought it meanwhile) is success: the label is fetched, not bought twice', async () => {
      const shipmentId = await chosenShipment();
      const reference = carrierReferenceFor(shipmentId);
      // A first attempt creates the carrier's shipment and fails to buy: its id is kept.
      await sandbox.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'fail' });
      await assert.rejects(buy(shipmentId));
      const carrierShipmentId = (await findShipment(db, shipmentId))?.carrier_shipment_id;
      assert.ok(carrierShipmentId);
      // The next attempt reads the shipment (no postage yet) and, while that answer is on its way, another attempt buys.
      await sandbox.fault({ method: 'GET', path: '/v2/shipments/*', reference, effect: 'delay', delayMs: 250 });
      const attempt = buy(shipmentId);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const shipment = await sandbox.client().Shipment.retrieve(carrierShipmentId);
      const other = await sandbox.client().Shipment.buy(carrierShipmentId, shipment.rates.find((r) => r.service === 'Ground')!);
      const label = await attempt;
      assert.equal(label.trackingCode, other.tracking_code);
      const answers = (await sandbox.requests({ reference, method: 'POST', path: '/v2/shipments/*' })).map((r) => (r.response as { error?: { code: string } } | undefined)?.error?.code ?? r.status);
      assert.deepEqual(answers, [500, 200, 'SHIPMENT.POSTAGE.EXISTS']);
      assert.equal(await sandbox.labels(reference), 1);
      assert.equal((await findShipment(db, shipmentId))?.tracking_number, other.tracking_code);
    });

    it('a shipment created at the carrier whose answer was lost is found again by our reference: one shipment, one label', async () => {
      const shipmentId = await chosenShipment();
      const reference = carrierReferenceFor(shipmentId);
      await sandbox.fault({ method: 'POST', path: '/v2/shipments', reference, effect: 'lose-answer' });
      const { failures } = await retried(() => buy(shipmentId));
      assert.equal(failures.length, 1, 'the second create never happens: the shipment is found by reference');
      assert.equal((await sandbox.requests({ reference, method: 'POST', path: '/v2/shipments' })).length, 1);
      assert.equal(await sandbox.labels(reference), 1);
    });

    it('a label bought before we recorded anything (a crash after the purchase) is found by reference and kept, not bought again', async () => {
      const shipmentId = await chosenShipment();
      const reference = carrierReferenceFor(shipmentId);
      const client = sandbox.client();
      const created = await client.Shipment.create({
        reference,
        from_address: { street1: request.from.line1, city: request.from.city, state: request.from.region, zip: request.from.postalCode, country: 'US' },
        to_address: { street1: request.to.line1, city: request.to.city, state: request.to.region, zip: request.to.postalCode, country: 'US' },
        parcel: { weight: 31.7 },
      });
      const bought = await client.Shipment.buy(created.id, created.rates.find((r) => r.service === 'Ground')!);
      const label = await buy(shipmentId);
      assert.deepEqual([label.carrierShipmentId, label.trackingCode], [bought.id, bought.tracking_code]);
      assert.equal(await sandbox.labels(reference), 1);
      assert.equal((await findShipment(db, shipmentId))?.carrier_shipment_id, bought.id);
    });

    it('refuses to buy before a rate is chosen, for good', async () => {
      await assert.rejects(buy(await newShipment()), (error: unknown) => error instanceof ApplicationFailure && error.type === 'NoRateChosen' && error.nonRetryable);
    });
  });

  describe('voiding and tracking', () => {
    it('voids a label: submitted, then refunded and the shipment cancelled; nothing to void without a label', async () => {
      const shipmentId = await chosenShipment();
      await buy(shipmentId);
      assert.equal(await run(activities.voidShippingLabel, { shipmentId }), 'submitted');
      assert.equal((await findShipment(db, shipmentId))?.refund_status, 'submitted');
      for (let waited = 0; (await run(activities.voidShippingLabel, { shipmentId })) !== 'refunded'; waited += 50) {
        assert.ok(waited < 5_000, 'the refund never settled');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const row = await findShipment(db, shipmentId);
      assert.deepEqual([row?.refund_status, row?.status], ['refunded', 'cancelled']);
      assert.equal(await sandbox.labels(carrierReferenceFor(shipmentId)), 1);
      assert.equal(await run(activities.voidShippingLabel, { shipmentId: await chosenShipment() }), null);
    });

    it("fetches the parcel's tracker: pre_transit after the label, delivered after the handover", async () => {
      const shipmentId = await chosenShipment();
      const label = await buy(shipmentId);
      const before = await run(activities.fetchShipmentTracking, { shipmentId });
      assert.deepEqual([before.trackingCode, before.status, before.trackerId], [label.trackingCode, 'pre_transit', label.trackerId]);
      await sandbox.client().ScanForm.create({ shipments: [label.carrierShipmentId] });
      for (let waited = 0; (await run(activities.fetchShipmentTracking, { shipmentId })).status !== 'delivered'; waited += 50) {
        assert.ok(waited < 5_000, 'the parcel was never delivered');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const after = await run(activities.fetchShipmentTracking, { shipmentId });
      assert.deepEqual(after.events.map((e) => e.status), ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered']);
    });
  });
});
