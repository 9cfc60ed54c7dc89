import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EasyPost } from '../../platform/create-easypost';
import { CARRIER_TEST_KEY, CARRIER_TEST_WEBHOOK_SECRET, startCarrierSandbox, type RunningCarrierSandbox } from '../support/carrier-sandbox';
import { setTimeout as delay } from 'node:timers/promises';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

interface TrackerEvent {
  id: string;
  object: string;
  description: string;
  result: { id: string; object: string; status: string; shipment_id: string | null; tracking_code: string; weight: number | null };
}

/** Retries an assertion until it holds, or throws its last failure after `timeoutMs`. */
async function settled(check: () => unknown, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(50);
    }
  }
}

const from = { name: 'Fulfillment Center', street1: '100 Warehouse Way', city: 'San Francisco', state: 'CA', zip: '94105', country: 'US' };
const to = { name: 'Ada Lovelace', street1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' };

/** The carrier sandbox's own spec (sandboxes/carrier), driven through the official @easypost/api client as the adapter drives it. */
describe('carrier sandbox', () => {
  let sandbox: RunningCarrierSandbox;
  let easypost: EasyPost;
  let receiver: WebhookReceiver;

  before(async () => {
    sandbox = await startCarrierSandbox();
    easypost = sandbox.client(2_000);
    receiver = await startWebhookReceiver();
    await easypost.Webhook.create({ url: receiver.url, webhook_secret: CARRIER_TEST_WEBHOOK_SECRET });
  });
  after(async () => {
    await receiver.close();
    await sandbox.stop();
  });
  afterEach(() => sandbox.clearFaults());

  const reference = () => `spec-${randomUUID()}`;
  const createShipment = (ref = reference(), weight = 20) => easypost.Shipment.create({ reference: ref, from_address: from, to_address: to, parcel: { weight, length: 10, width: 8, height: 4 } });
  const buyCheapest = async (ref = reference()) => {
    const shipment = await createShipment(ref);
    return easypost.Shipment.buy(shipment.id, shipment.lowestRate());
  };
  const failureOf = async (call: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string; errors: unknown[] }> =>
    call.then(
      () => assert.fail('the carrier should have refused'),
      (error: { statusCode: number; code: string; message: string; errors: unknown[] }) => error,
    );
  /** Tracker events the receiver got for one shipment, each checked with the SDK's own webhook validation. */
  const trackerEvents = (shipmentId: string): TrackerEvent[] =>
    receiver.received
      .map(({ body, headers }) => easypost.Utils.validateWebhook(Buffer.from(body), headers, CARRIER_TEST_WEBHOOK_SECRET) as TrackerEvent)
      .filter((event) => event.result.object === 'Tracker' && event.result.shipment_id === shipmentId);
  const statusesOf = (shipmentId: string) => trackerEvents(shipmentId).filter((e) => e.description === 'tracker.updated').map((e) => e.result.status);

  describe('rates, labels and refunds', () => {
    it('rates a parcel with several services of two carriers, priced by the documented formula', async () => {
      const shipment = await createShipment();
      const carriers = new Set(shipment.rates.map((rate) => rate.carrier));
      assert.deepEqual([...carriers].sort(), ['SandboxExpress', 'SandboxPost']);
      assert.equal(shipment.rates.length, 6);
      // 20 oz is 2 lb, but 10x8x4 in is 3 lb dimensional (320 / 139); ZIP 9xxxx to 6xxxx: zone 4. Ground: 4.50 + 3 x 0.55 + 4 x 0.35.
      const ground = shipment.rates.find((rate) => rate.carrier === 'SandboxPost' && rate.service === 'Ground');
      assert.deepEqual([ground?.rate, ground?.currency, ground?.delivery_days, ground?.est_delivery_days], ['7.55', 'USD', 4, 4]);
      const again = await createShipment();
      assert.deepEqual(
        again.rates.map((rate) => `${rate.carrier}/${rate.service}=${rate.rate}`),
        shipment.rates.map((rate) => `${rate.carrier}/${rate.service}=${rate.rate}`),
      );
      const heavier = await createShipment(reference(), 80);
      assert.ok(Number(heavier.lowestRate().rate) > Number(shipment.lowestRate().rate));
    });

    it('finds a shipment by our reference in place of its id, and lists by reference', async () => {
      const ref = reference();
      const created = await createShipment(ref);
      assert.equal((await easypost.Shipment.retrieve(ref)).id, created.id);
      const listed = await easypost.Shipment.all({ reference: ref } as never);
      assert.deepEqual(listed.shipments.map((s: { id: string }) => s.id), [created.id]);
      const missing = await failureOf(easypost.Shipment.retrieve(`spec-${randomUUID()}`));
      assert.deepEqual([missing.statusCode, missing.code], [404, 'NOT_FOUND']);
    });

    it('buys a label: a tracking code, a real PDF served by the sandbox, a pre_transit tracker; once per reference', async () => {
      const ref = reference();
      const bought = await buyCheapest(ref);
      assert.match(bought.tracking_code, /^(9400|1ZSX)\d{16}$/);
      assert.equal(bought.selected_rate.service, bought.lowestRate().service);
      assert.equal(bought.tracker.status, 'pre_transit');
      const label = await fetch(bought.postage_label.label_url);
      assert.equal(label.headers.get('content-type'), 'application/pdf');
      const pdf = Buffer.from(await label.arrayBuffer());
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.match(pdf.toString('latin1'), new RegExp(`TRACKING ${bought.tracking_code}[\\s\\S]*%%EOF\\n$`));
      assert.equal(await sandbox.labels(ref), 1);

      const twice = await failureOf(easypost.Shipment.buy(bought.id, bought.selected_rate));
      assert.deepEqual([twice.statusCode, twice.code], [422, 'SHIPMENT.POSTAGE.EXISTS']);
      assert.equal(await sandbox.labels(ref), 1);
    });

    it('refunds (voids) a label: submitted, then refunded, and the tracker is cancelled', async () => {
      const bought = await buyCheapest();
      const refunding = await easypost.Shipment.refund(bought.id);
      assert.equal(refunding.refund_status, 'submitted');
      assert.equal((await easypost.Shipment.refund(bought.id)).refund_status, 'submitted', 'asking again answers the refund as it stands');
      await settled(async () => assert.equal((await easypost.Shipment.retrieve(bought.id)).refund_status, 'refunded'));
      assert.equal((await easypost.Tracker.retrieve(bought.tracker.id)).status, 'cancelled');
      const unbought = await createShipment();
      assert.equal((await failureOf(easypost.Shipment.refund(unbought.id))).statusCode, 422);
    });
  });

  describe('handover, trackers and webhooks', () => {
    it('moves a parcel handed over on a scan form to delivered, each step a signed tracker.updated the SDK validates', async () => {
      const bought = await buyCheapest();
      const form = await easypost.ScanForm.create({ shipments: [bought] });
      assert.deepEqual(form.tracking_codes, [bought.tracking_code]);
      assert.equal(Buffer.from(await (await fetch(form.form_url)).arrayBuffer()).subarray(0, 5).toString('latin1'), '%PDF-');
      await settled(() => assert.deepEqual(statusesOf(bought.id), ['in_transit', 'out_for_delivery', 'delivered']));
      const events = trackerEvents(bought.id);
      assert.equal(events[0]?.description, 'tracker.created');
      assert.equal(events.at(-1)?.object, 'Event');
      assert.equal(events.at(-1)?.result.weight, 20);
      const tracker = await easypost.Tracker.retrieve(bought.tracker.id);
      assert.deepEqual([tracker.status, tracker.tracking_details.map((d) => d.status)], ['delivered', ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered']]);
      assert.equal((await easypost.Tracker.create({ tracking_code: bought.tracking_code, carrier: bought.selected_rate.carrier })).id, tracker.id, 'one tracker per tracking code');
      assert.equal((await failureOf(easypost.ScanForm.create({ shipments: [bought] }))).statusCode, 422, 'a parcel is handed over once');
    });

    it('refuses a signature made with another secret or over another body', async () => {
      const bought = await buyCheapest();
      await settled(() => assert.ok(trackerEvents(bought.id).length > 0));
      const { body, headers } = receiver.received.find((r) => r.body.includes(bought.id))!;
      assert.throws(() => easypost.Utils.validateWebhook(Buffer.from(body), headers, 'another-secret'));
      assert.throws(() => easypost.Utils.validateWebhook(Buffer.from(body.replace('pre_transit', 'delivered')), headers, CARRIER_TEST_WEBHOOK_SECRET));
    });

    for (const outcome of ['failure', 'return_to_sender'] as const) {
      it(`ends a parcel in ${outcome} when told so`, async () => {
        const ref = reference();
        const bought = await buyCheapest(ref);
        await sandbox.outcome(ref, outcome);
        await easypost.ScanForm.create({ shipments: [bought] });
        await settled(() => assert.deepEqual(statusesOf(bought.id), ['in_transit', 'out_for_delivery', outcome]));
        assert.equal((await easypost.Shipment.retrieve(bought.id)).status, outcome);
      });
    }

    it('advances a parcel on request, and a refund after handover is rejected', async () => {
      const slow = await startCarrierSandbox({ stepMs: 3_600_000 });
      try {
        const client = slow.client();
        const shipment = await client.Shipment.create({ reference: reference(), from_address: from, to_address: to, parcel: { weight: 10 } });
        const bought = await client.Shipment.buy(shipment.id, shipment.lowestRate());
        await client.ScanForm.create({ shipments: [bought] });
        assert.equal((await slow.advance(bought.id)).status, 'in_transit');
        assert.equal((await client.Tracker.retrieve(bought.tracker.id)).status, 'in_transit');
        assert.equal((await client.Shipment.refund(bought.id)).refund_status, 'submitted');
      } finally {
        await slow.stop();
      }
    });

    it('knows EasyPost test tracking codes', async () => {
      assert.equal((await easypost.Tracker.create({ tracking_code: 'EZ4000000004', carrier: 'USPS' })).status, 'delivered');
      assert.equal((await easypost.Tracker.create({ tracking_code: 'EZ1000000001', carrier: 'USPS' })).status, 'pre_transit');
    });

    it('webhook faults: a lost event, a duplicate, and two events out of order', async () => {
      const lostRef = reference();
      await sandbox.webhookFault({ effect: 'lose', reference: lostRef, description: 'tracker.created' });
      const lost = await buyCheapest(lostRef);
      await settled(async () => assert.equal((await sandbox.webhookDeliveries({ reference: lostRef })).length, 1));
      assert.equal((await sandbox.webhookDeliveries({ reference: lostRef }))[0]?.status, null);
      assert.equal(trackerEvents(lost.id).length, 0);

      const dupRef = reference();
      await sandbox.webhookFault({ effect: 'duplicate', reference: dupRef });
      const dup = await buyCheapest(dupRef);
      await settled(() => assert.equal(trackerEvents(dup.id).length, 2));
      assert.equal(new Set(trackerEvents(dup.id).map((e) => e.id)).size, 1, 'the same event twice');

      const swapRef = reference();
      const swap = await buyCheapest(swapRef);
      await settled(() => assert.equal(trackerEvents(swap.id).length, 1));
      await sandbox.webhookFault({ effect: 'out-of-order', reference: swapRef, description: 'tracker.updated' });
      await easypost.ScanForm.create({ shipments: [swap] });
      await settled(() => assert.deepEqual(statusesOf(swap.id), ['out_for_delivery', 'in_transit', 'delivered']));
    });
  });

  describe('faults on calls', () => {
    it('fail: a 500 and nothing done', async () => {
      const ref = reference();
      await sandbox.fault({ method: 'POST', path: '/v2/shipments', reference: ref, effect: 'fail' });
      const failure = await failureOf(createShipment(ref));
      assert.equal(failure.statusCode, 500);
      assert.equal((await failureOf(easypost.Shipment.retrieve(ref))).statusCode, 404);
    });

    it('lose-answer on a purchase: the caller gets a 500, the label is bought, and buying again says postage exists', async () => {
      const ref = reference();
      const shipment = await createShipment(ref);
      await sandbox.fault({ path: '/v2/shipments/*', reference: ref, effect: 'lose-answer' });
      assert.equal((await failureOf(easypost.Shipment.buy(shipment.id, shipment.lowestRate()))).statusCode, 500);
      assert.equal(await sandbox.labels(ref), 1);
      assert.equal((await failureOf(easypost.Shipment.buy(shipment.id, shipment.lowestRate()))).code, 'SHIPMENT.POSTAGE.EXISTS');
      assert.ok((await easypost.Shipment.retrieve(ref)).postage_label.label_url);
    });

    it('hang and delay: the work is done, and the client gives up after its timeout', async () => {
      const ref = reference();
      const shipment = await createShipment(ref);
      await sandbox.fault({ path: '/v2/shipments/*', reference: ref, effect: 'hang' });
      const impatient = sandbox.client(300);
      const started = Date.now();
      await assert.rejects(impatient.Shipment.buy(shipment.id, shipment.lowestRate()), /timeout/i);
      assert.ok(Date.now() - started < 2_000);
      assert.equal(await sandbox.labels(ref), 1);

      await sandbox.fault({ method: 'GET', path: '/v2/shipments/*', reference: ref, effect: 'delay', delayMs: 600 });
      await assert.rejects(impatient.Shipment.retrieve(ref), /timeout/i);
      assert.equal((await sandbox.client(5_000).Shipment.retrieve(ref)).id, shipment.id);
    });

    it('records requests by reference, and refuses a call without an API key', async () => {
      const ref = reference();
      await buyCheapest(ref);
      assert.deepEqual((await sandbox.requests({ reference: ref })).map((r) => `${r.method} ${r.path.replace(/shp_\w+/, ':id')} ${r.status}`), ['POST /v2/shipments 201', 'POST /v2/shipments/:id/buy 200']);
      const anonymous = await fetch(new URL('/v2/shipments', sandbox.url));
      assert.equal(anonymous.status, 401);
      const bearer = await fetch(new URL('/v2/shipments', sandbox.url), { headers: { authorization: `Bearer ${CARRIER_TEST_KEY}` } });
      assert.equal(bearer.status, 200);
    });
  });

  describe('address verification', () => {
    it('verifies a deliverable address, normalised', async () => {
      const verified = await easypost.Address.createAndVerify({ ...to, street1: '1 main st' });
      assert.equal(verified.street1, '1 MAIN ST');
      assert.equal(verified.verifications.delivery.success, true);
    });

    it('refuses an undeliverable address (street with UNDELIVERABLE, or a ZIP of zeros) with ADDRESS.VERIFY.FAILURE', async () => {
      for (const address of [{ ...to, street1: '9 Undeliverable Rd' }, { ...to, zip: '00000' }]) {
        const strict = await failureOf(easypost.Address.createAndVerify({ ...address }));
        assert.deepEqual([strict.statusCode, strict.code], [422, 'ADDRESS.VERIFY.FAILURE']);
        assert.ok(strict.errors.length > 0);
        assert.equal((await failureOf(easypost.Address.create({ ...address, verify_strict: true }))).code, 'ADDRESS.VERIFY.FAILURE');
        const lenient = await easypost.Address.create({ ...address, verify: true });
        assert.equal(lenient.verifications.delivery.success, false);
      }
    });
  });

  describe('journal', () => {
    it('keeps shipments, labels and trackers across a restart of the service', async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'carrier-sandbox-'));
      const journalPath = path.join(folder, 'journal.jsonl');
      try {
        const ref = reference();
        const first = await startCarrierSandbox({ journalPath });
        const shipment = await first.client().Shipment.create({ reference: ref, from_address: from, to_address: to, parcel: { weight: 12 } });
        const bought = await first.client().Shipment.buy(shipment.id, shipment.lowestRate());
        await first.stop();

        const second = await startCarrierSandbox({ journalPath });
        try {
          const kept = await second.client().Shipment.retrieve(ref);
          assert.deepEqual([kept.id, kept.tracking_code, kept.tracker.id], [bought.id, bought.tracking_code, bought.tracker.id]);
          assert.equal(await second.labels(ref), 1);
          assert.equal((await failureOf(second.client().Shipment.buy(kept.id, kept.selected_rate))).code, 'SHIPMENT.POSTAGE.EXISTS');
          assert.equal((await fetch(kept.postage_label.label_url.replace(first.url, second.url))).status, 200);
        } finally {
          await second.stop();
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
});
