import assert from 'node:assert/strict';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../../workflows/order/order.messages';
import { handOverParcelUpdate, packParcelUpdate, parcelStatusQuery, shipmentWorkflowId, type ParcelView } from '../../workflows/shipment/ship-parcel.messages';
import { PaymentAlert } from '../../workflows/shared/search-attributes';
import { addToCart, redisReady, stockInWarehouse } from '../support/cart-fixtures';
import { cartWith, checkoutRequest, newShopper, startCheckout } from '../support/checkout-fixtures';
import { createStockedSku, TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { SECOND_WAREHOUSE } from '../support/partially-shipped-order';
import { stripeSandbox } from '../support/stripe-sandbox';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

/** The Stripe sandbox holds a card authorization 7 days; the order acts a day before. Six days and an hour pass unshipped. */
const UNSHIPPED_FOR = '145 hours';

/**
 * No authorization expires silently, proven on Temporal's time-skipping test server: the order
 * (and its parcels) wait days of skipped time with the real workers, the Stripe sandbox (which
 * keeps real time, so the hold it set 7 days ahead is still live) and the carrier sandbox.
 */
describe('an authorization about to lapse (order workflow, time-skipping test server, both sandboxes, PostgreSQL)', function () {
  this.timeout(180_000);
  const stripe = stripeSandbox();
  let s: TimeSkippingStack;

  beforeEach(async () => {
    s = await startTimeSkippingStack();
    await redisReady(s.t.deps.redis);
  });
  afterEach(() => s?.stop());

  /** A card order of one SKU (and a second, stocked only in another warehouse, when split): confirmed on the test server. */
  async function cardOrder({ split }: { split: boolean }) {
    const shopper = await newShopper(s.t);
    const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1, price: 2500 });
    if (split) {
      const other = await createStockedSku(s.db, 0, 1800);
      await stockInWarehouse(s.db, other.sku, SECOND_WAREHOUSE, 5);
      assert.equal((await addToCart(s.t.app, cartId, other.sku, 2, shopper.bearer)).status, 200);
    }
    // Both warehouses ship from an address the carrier can rate (stocking them writes their rows).
    await s.db
      .updateTable('warehouses')
      .set({ address: { name: 'Test warehouse', line1: '100 Warehouse Way', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' } })
      .where('code', 'in', [TEST_WAREHOUSE_CODE, SECOND_WAREHOUSE])
      .execute();
    const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }) }, s.env.client);
    assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
    const total = answer.status === 'confirmed' ? answer.totals.total.amount : 0;
    const handle = s.env.client.workflow.getHandle(orderWorkflowId(answer.orderId));
    const view = () => handle.query(orderStatusQuery);
    const parcels = split ? 2 : 1;
    const started = await eventually(view, (v) => (v.shipments?.length ?? 0) === parcels, { what: 'shipments started' });
    return { orderId: answer.orderId, total, handle, view, shipments: started.shipments!, externalId: started.payment!.externalId! };
  }

  /**
   * Packs (a label from the carrier sandbox) and hands over a parcel, as the warehouse API does.
   * The updates answer within a short timer, which skipped time may fire early: the stage is
   * awaited from the parcel's query instead.
   */
  async function shipParcel(shipmentId: string, warehouseCode: string): Promise<ParcelView> {
    const parcel = s.env.client.workflow.getHandle(shipmentWorkflowId(shipmentId));
    const stage = (what: string, stages: string[]) =>
      eventually(
        () => parcel.query(parcelStatusQuery).catch(() => undefined),
        (p) => p !== undefined && stages.includes(p.stage),
        { what },
      );
    await stage('the parcel started', ['awaiting_pack']);
    const actor = { id: 'picker-1', warehouseCode };
    await parcel.executeUpdate(packParcelUpdate, { args: [{ actor, weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } }] });
    await stage('the label bought', ['label_purchased']);
    await parcel.executeUpdate(handOverParcelUpdate, { args: [{ actor }] });
    return (await stage('the parcel handed over', ['handed_over', 'delivered']))!;
  }

  const notifications = (orderId: string, template: string) =>
    s.db.selectFrom('notifications').select(['template', 'payload', 'dedupe_key']).where('order_id', '=', orderId).where('template', '=', template).execute();

  it('captures the whole order as the final capture a day before the hold lapses when nothing shipped; the parcel handed over later captures nothing', async () => {
    const o = await cardOrder({ split: false });
    // The deadline is the charge's capture_before: the sandbox holds a card 7 days.
    const holdDays = (Date.parse((await o.view()).payment!.authorizationExpiresAt!) - Date.now()) / 86_400_000;
    assert.ok(holdDays > 6.9 && holdDays <= 7, `the hold lapses in ${holdDays} days`);

    await s.skip(UNSHIPPED_FOR);

    const captured = await eventually(o.view, (v) => v.captures?.[0]?.status === 'captured' && v.payment?.status === 'captured', { what: 'the rest captured', timeoutMs: 60_000 });
    assert.deepEqual(
      captured.captures!.map((c) => [c.purpose, c.finalCapture, c.amount.amount, c.status]),
      [['before-expiry', true, o.total, 'captured']],
    );
    assert.ok(captured.timeline.some((e) => e.event === 'capturing the rest before the authorization expires'));
    const intent = await stripe.paymentIntent(o.externalId);
    assert.deepEqual([intent.status, intent.amount_received, intent.amount_capturable], ['succeeded', o.total, 0]);
    const ledger = await s.db.selectFrom('payment_ledger').select(['kind', 'amount']).where('order_id', '=', o.orderId).orderBy('id').execute();
    assert.deepEqual(ledger, [{ kind: 'authorized', amount: o.total }, { kind: 'captured', amount: o.total }]);

    // The parcel waited past its promise: one late email, however the report is carried out.
    const late = await eventually(o.view, (v) => v.shipments![0]!.late, { what: 'the parcel late' });
    assert.equal(late.shipments![0]!.stage, 'started');
    await eventually(() => notifications(o.orderId, 'order-late'), (rows) => rows.length === 1, { what: 'the late email queued' });

    // Handed over at last: the order ships and tells the customer how to track it, but takes no more money.
    const parcel = await shipParcel(o.shipments[0]!.shipmentId, o.shipments[0]!.warehouseCode);
    const shipped = await eventually(o.view, (v) => v.status === 'shipped', { what: 'the order shipped' });
    assert.equal(shipped.captures!.length, 1);
    const mails = await notifications(o.orderId, 'order-shipped');
    assert.equal(mails.length, 1);
    const tracked = (mails[0]!.payload as { parcels: Array<Record<string, string>> }).parcels;
    assert.deepEqual(tracked.map((p) => [p.shipmentId, p.carrier, p.trackingNumber]), [[parcel.shipmentId, parcel.carrier, parcel.trackingNumber]]);
    assert.match(tracked[0]!.trackingUrl!, new RegExp(`${parcel.trackingNumber}$`));
    assert.equal((await stripe.paymentIntent(o.externalId)).amount_received, o.total);
  });

  it('after one parcel captured its share, captures the rest as the final capture; the second parcel then captures nothing', async () => {
    const o = await cardOrder({ split: true });
    const [first, second] = o.shipments;
    const parcel = await shipParcel(first!.shipmentId, first!.warehouseCode);
    const partly = await eventually(o.view, (v) => v.status === 'partially_shipped' && v.captures?.[0]?.status === 'captured', { what: 'the first share captured' });
    const share = partly.captures![0]!.amount.amount;
    assert.ok(share > 0 && share < o.total);

    await s.skip(UNSHIPPED_FOR);

    const captured = await eventually(o.view, (v) => v.captures?.[1]?.status === 'captured', { what: 'the rest captured', timeoutMs: 60_000 });
    assert.deepEqual(
      captured.captures!.map((c) => [c.purpose, c.finalCapture, c.amount.amount, c.status]),
      [
        ['handover', false, share, 'captured'],
        ['before-expiry', true, o.total - share, 'captured'],
      ],
    );
    assert.deepEqual([captured.payment!.status, captured.payment!.captured?.amount], ['captured', o.total]);
    const intent = await stripe.paymentIntent(o.externalId);
    assert.deepEqual([intent.status, intent.amount_received, intent.amount_capturable], ['succeeded', o.total, 0]);

    // Both parcels waited past their promise: one late email each, the one with the carrier says how to track it.
    const lateMails = await eventually(() => notifications(o.orderId, 'order-late'), (rows) => rows.length === 2, { what: 'two late emails' });
    assert.deepEqual(lateMails.map((m) => m.dedupe_key).sort(), [first, second].map((p) => `${o.orderId}/order-late/${p!.shipmentId}`).sort());
    const lateFirst = lateMails.find((m) => (m.payload as { shipmentId: string }).shipmentId === first!.shipmentId)!;
    assert.equal((lateFirst.payload as { parcel: { trackingNumber: string } }).parcel.trackingNumber, parcel.trackingNumber);

    await shipParcel(second!.shipmentId, second!.warehouseCode);
    const shipped = await eventually(o.view, (v) => v.status === 'shipped', { what: 'the order shipped' });
    assert.equal(shipped.captures!.length, 2, 'the second handover took nothing');
    const mails = await notifications(o.orderId, 'order-shipped');
    assert.equal(mails.length, 1);
    const tracked = (mails[0]!.payload as { parcels: Array<Record<string, string | null>> }).parcels;
    assert.deepEqual(tracked.map((p) => p.shipmentId).sort(), [first!.shipmentId, second!.shipmentId].sort());
    for (const p of tracked) assert.ok(p.carrier && p.trackingNumber && p.trackingUrl, JSON.stringify(p));
    assert.equal((await stripe.paymentIntent(o.externalId)).amount_received, o.total);
  });

  it('says what it could not collect, and flags itself for ops, when the hold lapsed first', async () => {
    const o = await cardOrder({ split: false });
    await stripe.expire(o.externalId);

    await s.skip(UNSHIPPED_FOR);

    const expired: OrderView = await eventually(o.view, (v) => v.payment?.authorizationExpired !== undefined, { what: 'the expiry noted', timeoutMs: 60_000 });
    assert.deepEqual(expired.payment!.authorizationExpired!.uncollected, { amount: o.total, currency: 'USD' });
    assert.equal(expired.captures![0]!.status, 'authorization-expired');
    assert.ok(expired.timeline.some((e) => e.event === 'authorization expired' && e.detail?.startsWith(`${o.total} USD uncollected`)));
    const described = await o.handle.describe();
    assert.equal(described.typedSearchAttributes.get(PaymentAlert), 'AUTHORIZATION_EXPIRED');
  });
});
