import assert from 'node:assert/strict';
import request from 'supertest';
import { createStockedSku, TEST_WAREHOUSE_CODE, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

describe('low-stock thresholds and back-in-stock subscriptions API (PostgreSQL)', () => {
  let t: TestApp;
  before(() => {
    t = createTestApp();
  });
  after(() => t.close());

  const thresholdPath = (sku: string, warehouseCode = TEST_WAREHOUSE_CODE) => `/admin/inventory/thresholds/${encodeURIComponent(warehouseCode)}/${encodeURIComponent(sku)}`;
  const subscriptionsPath = (sku: string) => `/products/${encodeURIComponent(sku)}/back-in-stock-subscriptions`;
  const assertProblem = (res: request.Response, status: number, type: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(res.body.type, `/problems/${type}`);
  };

  it("lets an admin set and clear a SKU's threshold in a warehouse, with problems for bad input", async () => {
    const { sku } = await createStockedSku(t.deps.db, 6);
    const admin = await t.bearer('admin', 'alice');

    const set = await request(t.app).put(thresholdPath(sku)).set('Authorization', admin).send({ threshold: 8 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, { warehouseCode: TEST_WAREHOUSE_CODE, sku, threshold: 8, effectiveThreshold: 8, available: 6, belowThreshold: true });
    const row = await t.deps.db.selectFrom('inventory').select('low_stock_threshold').where('sku', '=', sku).executeTakeFirstOrThrow();
    assert.equal(row.low_stock_threshold, 8);

    const cleared = await request(t.app).put(thresholdPath(sku)).set('Authorization', admin).send({ threshold: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.threshold, null);
    assert.equal(cleared.body.effectiveThreshold, testConfig().inventoryAlerts.defaultLowStockThreshold);

    for (const body of [{ threshold: -1 }, { threshold: 2.5 }, { threshold: '3' }, {}, { threshold: 3, extra: true }]) {
      assertProblem(await request(t.app).put(thresholdPath(sku)).set('Authorization', admin).send(body), 400, 'validation-failed');
    }
    assertProblem(await request(t.app).put(thresholdPath(uniqueId('NOPE'))).set('Authorization', admin).send({ threshold: 1 }), 404, 'not-found');
    assertProblem(await request(t.app).put(thresholdPath(sku, 'NO-SUCH-WH')).set('Authorization', admin).send({ threshold: 1 }), 404, 'not-found');
    assertProblem(await request(t.app).put(thresholdPath(sku)).set('Authorization', await t.bearer('support')).send({ threshold: 1 }), 403, 'forbidden');
    assertProblem(await request(t.app).put(thresholdPath(sku)).send({ threshold: 1 }), 401, 'unauthorized');
  });

  it('subscribes a customer to a sold-out SKU idempotently, and refuses one in stock or unknown', async () => {
    const soldOut = await createStockedSku(t.deps.db, 0);
    const customer = await t.bearer('customer', uniqueId('shopper'));

    const created = await request(t.app).post(subscriptionsPath(soldOut.sku)).set('Authorization', customer).send({ email: 'ada@example.com' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.sku, soldOut.sku);
    assert.equal(created.body.status, 'waiting');
    assert.equal(created.body.email, 'ada@example.com');
    const again = await request(t.app).post(subscriptionsPath(soldOut.sku)).set('Authorization', customer).send({ email: 'ada@example.com' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, created.body);
    // Another customer waits on their own.
    const other = await request(t.app).post(subscriptionsPath(soldOut.sku)).set('Authorization', await t.bearer('customer', uniqueId('shopper'))).send({ email: 'bob@example.com' });
    assert.equal(other.status, 201);
    assert.notEqual(other.body.id, created.body.id);
    const waiting = await t.deps.db.selectFrom('back_in_stock_subscriptions').select('email').where('sku', '=', soldOut.sku).where('status', '=', 'waiting').orderBy('email').execute();
    assert.deepEqual(waiting, [{ email: 'ada@example.com' }, { email: 'bob@example.com' }]);

    const inStock = await createStockedSku(t.deps.db, 2);
    const refused = await request(t.app).post(subscriptionsPath(inStock.sku)).set('Authorization', customer).send({ email: 'ada@example.com' });
    assertProblem(refused, 409, 'sku-in-stock');
    assert.equal(refused.body.available, 2);
    assertProblem(await request(t.app).post(subscriptionsPath(uniqueId('NOPE'))).set('Authorization', customer).send({ email: 'ada@example.com' }), 404, 'not-found');
    assertProblem(await request(t.app).post(subscriptionsPath(soldOut.sku)).set('Authorization', customer).send({ email: 'not an email' }), 400, 'validation-failed');
    assertProblem(await request(t.app).post(subscriptionsPath(soldOut.sku)).set('Authorization', await t.bearer('admin')).send({ email: 'ada@example.com' }), 403, 'forbidden');

    const page = await request(t.app).get('/problems/sku-in-stock');
    assert.equal(page.status, 200);
    assert.equal(page.body.status, 409);
  });

  it('documents both operations in the OpenAPI document', async () => {
    const spec = await request(t.app).get('/openapi.json');
    const put = spec.body.paths['/admin/inventory/thresholds/{warehouseCode}/{sku}'].put;
    assert.deepEqual(put.security, [{ bearer: [] }]);
    for (const status of ['200', '400', '401', '403', '404']) assert.ok(put.responses[status], status);
    const post = spec.body.paths['/products/{sku}/back-in-stock-subscriptions'].post;
    assert.deepEqual(post.responses['409'].content['application/problem+json'].schema.properties.type.enum, ['/problems/sku-in-stock']);
    assert.deepEqual(post.requestBody.content['application/json'].schema.required, ['email']);
  });
});
