import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import request from 'supertest';
import { InvalidToken, signToken, verifyToken } from '../../api/http/tokens';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { TEST_WAREHOUSE_CODE, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/** What a warehouse worker sees, and only for their own warehouse. */
describe('warehouse API: the pick list (real workers, Temporal, PostgreSQL)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let picker: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    picker = await t.bearer('warehouse');
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  const pickList = (bearer: string, code = TEST_WAREHOUSE_CODE) => request(t.app).get(`/warehouse/${code}/pick-list`).query({ limit: 200 }).set('Authorization', bearer);
  const entryFor = async (orderId: string) => ((await pickList(picker)).body.orders as Array<{ orderId: string }>).find((o) => o.orderId === orderId);

  it('lists a confirmed order with the lines and quantities this warehouse ships; a cancelled one drops out', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 3 });
    const placed = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const res = await pickList(picker);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.warehouseCode, TEST_WAREHOUSE_CODE);
    const entry = res.body.orders.find((o: { orderId: string }) => o.orderId === placed.body.orderId);
    assert.deepEqual(entry.lines, [{ sku: sku.sku, productName: entry.lines[0].productName, quantity: 3 }]);
    assert.ok(entry.lines[0].productName.length > 0);

    const cancelled = await request(t.app).post(`/orders/${placed.body.orderId}/cancel`).set('Authorization', shopper.bearer).send({ reason: 'changed my mind' });
    assert.equal(cancelled.status, 200);
    assert.equal(await entryFor(placed.body.orderId), undefined);
  });

  it('does not list an order held for risk review', async () => {
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { cartId } = await cartWith(t, shopper);
    const held = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(held.status, 202, JSON.stringify(held.body));
    assert.equal(await entryFor(held.body.orderId), undefined);
  });

  it("refuses another warehouse's list to a warehouse token, and the list to a customer; support sees any", async () => {
    const other = await t.warehouseBearer('EU-CENTRAL-1');
    const refused = await pickList(other);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, '/problems/forbidden');
    assert.match(refused.body.detail, /EU-CENTRAL-1/);
    assert.equal((await pickList(await t.bearer('customer'))).status, 403);
    assert.equal((await pickList(await t.bearer('support'))).status, 200);
    assert.equal((await pickList(await t.bearer('support'), 'NO-SUCH-1')).status, 404);
  });
});

describe('warehouse tokens name exactly one warehouse', () => {
  const settings = { secret: 'x'.repeat(32), issuer: 'test' };

  it('carries its warehouse through signing and verifying', async () => {
    const token = await signToken(settings, { subject: 'picker-9', role: 'warehouse', warehouseCode: 'EU-CENTRAL-1' });
    assert.deepEqual(await verifyToken(settings, token), { subject: 'picker-9', role: 'warehouse', warehouseCode: 'EU-CENTRAL-1' });
  });

  it('refuses to sign a warehouse token without its warehouse, or another role with one', async () => {
    await assert.rejects(signToken(settings, { subject: 'p', role: 'warehouse' }), /warehouse code/);
    await assert.rejects(signToken(settings, { subject: 's', role: 'support', warehouseCode: 'EU-CENTRAL-1' }), /warehouse code/);
  });

  it('refuses a forged warehouse token that names no warehouse', async () => {
    const forged = await new SignJWT({ role: 'warehouse' }).setProtectedHeader({ alg: 'HS256' }).setSubject('p').setIssuer('test').setExpirationTime('1h').sign(new TextEncoder().encode(settings.secret));
    await assert.rejects(verifyToken(settings, forged), InvalidToken);
  });
});
