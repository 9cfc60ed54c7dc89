import assert from 'node:assert/strict';
import type { Worker } from '@temporalio/worker';
import request from 'supertest';
import { signToken } from '../../api/http/tokens';
import { restockWorkflowId } from '../../workflows/inventory/restock.messages';
import { TEST_WAREHOUSE_CODE, createStockedSku, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testIndices, testStack } from '../support/test-stack';
import { createTestWorkers, type TestWorkers } from '../support/test-workers';

describe('admin receipts API (real worker, Temporal, PostgreSQL, Redis, Elasticsearch)', () => {
  const config = testConfig();
  let t: TestApp;
  let workers: Worker[];
  let testWorkers: TestWorkers;
  let running: Promise<void>[];

  before(async () => {
    t = createTestApp();
    testWorkers = await createTestWorkers({ db: t.deps.db, es: t.deps.es });
    workers = testWorkers.workers;
    running = workers.map((w) => w.run());
  });

  after(async () => {
    workers.forEach((w) => w.shutdown());
    await Promise.all(running);
    await testWorkers.close();
    await t.close();
  });

  const token = async (role: 'customer' | 'support' | 'admin', subject = `${role}-1`) => (await t.bearer(role, subject)).slice('Bearer '.length);
  const asAdmin = () => t.bearer('admin', 'alice');
  const finished = (receiptId: string) => testStack().temporal.client.workflow.getHandle(restockWorkflowId(receiptId)).result();

  it('receives a delivery: 202 with a Location, then the outcome, the stock and the search availability', async () => {
    const { sku, productId } = await createStockedSku(t.deps.db, 2);
    const receiptId = uniqueId('ASN');
    const body = { receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 8 }], note: 'pallet 1 of 1' };

    const accepted = await request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).send(body);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.headers.location, `/admin/inventory/receipts/${receiptId}`);
    assert.equal(accepted.body.workflow.id, `restock-${receiptId}`);

    await finished(receiptId);
    const outcome = await request(t.app).get(accepted.headers.location!).set('Authorization', await asAdmin());
    assert.equal(outcome.status, 200);
    assert.equal(outcome.body.status, 'received');
    assert.deepEqual(outcome.body.lines, [{ sku, quantity: 8, onHandAfter: 10 }]);
    assert.equal(outcome.body.workflow.status, 'COMPLETED');

    const row = await t.deps.db.selectFrom('inventory_receipts').select(['status', 'created_by', 'note']).where('receipt_id', '=', receiptId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'completed', created_by: 'alice', note: 'pallet 1 of 1' });
    const doc = await t.deps.es.get<{ available: number }>({ index: testIndices().products.name, id: productId });
    assert.equal(doc._source?.available, 10);

    const run = await testStack().temporal.client.workflow.getHandle(`restock-${receiptId}`).describe();
    assert.deepEqual(run.searchAttributes.WarehouseCode, [TEST_WAREHOUSE_CODE]);
    assert.deepEqual(run.searchAttributes.Skus, [sku]);
    assert.match((await run.staticSummary()) ?? '', /8 units of 1 SKU into TEST-DB-1/);
  });

  it('is idempotent: the same receipt posted again is accepted once and applied once', async () => {
    const { sku } = await createStockedSku(t.deps.db, 0);
    const body = { receiptId: uniqueId('ASN'), warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 3 }] };
    const responses = await Promise.all(
      Array.from({ length: 5 }, async () => request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).send(body)),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      [202, 202, 202, 202, 202],
    );
    await finished(body.receiptId);
    const again = await request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).send(body);
    assert.equal(again.status, 202);
    const stock = await t.deps.db.selectFrom('inventory').select('on_hand').where('sku', '=', sku).executeTakeFirstOrThrow();
    assert.equal(stock.on_hand, 3);
  });

  it('refuses a reused receipt id with different contents (409 problem)', async () => {
    const { sku } = await createStockedSku(t.deps.db, 0);
    const receiptId = uniqueId('ASN');
    const post = async (quantity: number) =>
      request(t.app)
        .post('/admin/inventory/receipts')
        .set('Authorization', await asAdmin())
        .send({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity }] });
    assert.equal((await post(1)).status, 202);
    const conflict = await post(2);
    assert.equal(conflict.status, 409);
    assert.match(conflict.headers['content-type']!, /application\/problem\+json/);
    assert.equal(conflict.body.type, '/problems/receipt-conflict');
    await finished(receiptId);
  });

  it('answers a receipt for an unknown SKU with a typed rejection', async () => {
    const receiptId = uniqueId('ASN');
    await request(t.app)
      .post('/admin/inventory/receipts')
      .set('Authorization', await asAdmin())
      .send({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku: 'NOPE-1', quantity: 1 }] })
      .expect(202);
    await finished(receiptId);
    const outcome = await request(t.app).get(`/admin/inventory/receipts/${receiptId}`).set('Authorization', await asAdmin());
    assert.equal(outcome.body.status, 'rejected');
    assert.deepEqual(outcome.body.reason, { type: 'UnknownSku', message: 'unknown SKUs: NOPE-1', details: { skus: ['NOPE-1'] } });
  });

  describe('refuses bad requests with problem+json and changes nothing', () => {
    const cases: [string, unknown, string][] = [
      ['a missing warehouse', { receiptId: 'R-1', lines: [{ sku: 'A', quantity: 1 }] }, 'warehouseCode'],
      ['a zero quantity', { receiptId: 'R-1', warehouseCode: 'W', lines: [{ sku: 'A', quantity: 0 }] }, 'lines.0.quantity'],
      ['a fractional quantity', { receiptId: 'R-1', warehouseCode: 'W', lines: [{ sku: 'A', quantity: 1.5 }] }, 'lines.0.quantity'],
      ['no lines', { receiptId: 'R-1', warehouseCode: 'W', lines: [] }, 'lines'],
      ['an unknown field', { receiptId: 'R-1', warehouseCode: 'W', lines: [{ sku: 'A', quantity: 1, price: 1 }] }, 'lines.0'],
      ['a receipt id with a slash', { receiptId: 'a/b', warehouseCode: 'W', lines: [{ sku: 'A', quantity: 1 }] }, 'receiptId'],
    ];
    for (const [what, body, path] of cases) {
      it(`400 for ${what}`, async () => {
        const res = await request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).send(body as object);
        assert.equal(res.status, 400);
        assert.equal(res.body.type, '/problems/validation-failed');
        assert.ok(
          res.body.errors.some((e: { path: string }) => e.path === path),
          JSON.stringify(res.body.errors),
        );
      });
    }

    it('400 for malformed JSON, 415 for a non-JSON body', async () => {
      const malformed = await request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).type('json').send('{"receiptId":');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.type, '/problems/malformed-json');
      const text = await request(t.app).post('/admin/inventory/receipts').set('Authorization', await asAdmin()).type('text').send('hello');
      assert.equal(text.status, 415);
      assert.equal(text.body.type, '/problems/unsupported-media-type');
    });
  });

  describe('access', () => {
    it('401 without a token, with a bad token, or with an expired one', async () => {
      const none = await request(t.app).get('/admin/inventory/receipts/ASN-1');
      assert.equal(none.status, 401);
      assert.equal(none.body.type, '/problems/unauthorized');
      assert.match(none.headers['www-authenticate']!, /^Bearer/);
      const forged = await signToken({ secret: 'another-secret-that-is-at-least-32-chars', issuer: config.auth.issuer }, { subject: 'x', role: 'admin' });
      assert.equal((await request(t.app).get('/admin/inventory/receipts/ASN-1').set('Authorization', `Bearer ${forged}`)).status, 401);
      const expired = await signToken({ secret: config.auth.jwtSecret, issuer: config.auth.issuer }, { subject: 'x', role: 'admin' }, '-1m');
      const res = await request(t.app).get('/admin/inventory/receipts/ASN-1').set('Authorization', `Bearer ${expired}`);
      assert.equal(res.status, 401);
      assert.match(res.body.detail, /expired/);
    });

    for (const role of ['customer', 'support'] as const) {
      it(`403 for a ${role} token`, async () => {
        const res = await request(t.app)
          .post('/admin/inventory/receipts')
          .set('Authorization', `Bearer ${await token(role)}`)
          .send({ receiptId: uniqueId('ASN'), warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku: 'A', quantity: 1 }] });
        assert.equal(res.status, 403);
        assert.equal(res.body.type, '/problems/forbidden');
      });
    }

    it('404 problem for an unknown receipt', async () => {
      const res = await request(t.app).get(`/admin/inventory/receipts/${uniqueId('NONE')}`).set('Authorization', await asAdmin());
      assert.equal(res.status, 404);
      assert.equal(res.body.type, '/problems/not-found');
    });
  });
});
