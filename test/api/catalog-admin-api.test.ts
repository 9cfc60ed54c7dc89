import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { catchUpSearchIndexWorkflowType, type CatchUpSearchIndexWorkflow } from '../../workflows/search/catch-up-search-index.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { uniqueId } from '../support/db-fixtures';
import { indexedDocument } from '../support/search-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

describe('catalog admin API (real worker, Temporal, PostgreSQL, Elasticsearch)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let admin: string;
  let sellerId: string;
  let rootId: string;

  before(async () => {
    t = createTestApp();
    workers = await runTestWorkers();
    admin = await t.bearer('admin', 'catalog-admin');
    const token = uniqueId('c').toLowerCase();
    sellerId = (await post('/admin/sellers', { slug: `seller-${token}`, name: 'Acme Outfitters', country: 'US' }).expect(201)).body.id;
    rootId = (await post('/admin/categories', { slug: `root-${token}`, name: 'Outdoor' }).expect(201)).body.id;
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  function post(path: string, body: object) {
    return request(t.app).post(path).set('Authorization', admin).send(body);
  }
  function patch(path: string, body: object) {
    return request(t.app).patch(path).set('Authorization', admin).send(body);
  }
  const newProduct = (categoryId: string, overrides: object = {}) => {
    const sku = uniqueId('TENT');
    return {
      sellerId,
      categoryId,
      brand: 'Northwind',
      name: `Ridge tent ${sku}`,
      description: 'Two-person backpacking tent',
      variants: [
        { sku: `${sku}-GRN`, attributes: { color: 'green' }, priceAmount: 24900, currency: 'USD' },
        { sku: `${sku}-RED`, attributes: { color: 'red' }, priceAmount: 25900, currency: 'USD' },
      ],
      ...overrides,
    };
  };

  it('creates a product that its sync workflow brings into search', async () => {
    const created = await post('/admin/products', newProduct(rootId)).expect(201);
    assert.equal(created.body.searchSync, 'signalled');
    assert.equal(created.headers.location, `/products/${created.body.id}`);
    assert.equal(created.body.variants.length, 2);

    const doc = await indexedDocument(t.deps.db, t.deps.es, created.body.id);
    assert.equal(doc.name, created.body.name);
    assert.equal(doc.brand, 'Northwind');
    assert.equal(doc.priceMin, 24900);
    assert.equal(doc.priceMax, 25900);
    assert.equal(doc.inStock, false);
  });

  it('a price change and a deactivation reach search', async () => {
    const { body: product } = await post('/admin/products', newProduct(rootId)).expect(201);
    const sku = product.variants[0].sku;
    const repriced = await patch(`/admin/variants/${sku}`, { priceAmount: 19900 }).expect(200);
    assert.equal(repriced.body.searchVersion, product.searchVersion + 1);
    assert.equal((await indexedDocument(t.deps.db, t.deps.es, product.id)).priceMin, 19900);

    await patch(`/admin/products/${product.id}`, { status: 'inactive' }).expect(200);
    assert.equal((await indexedDocument(t.deps.db, t.deps.es, product.id)).status, 'inactive');
  });

  it('moving a category reindexes the products beneath it', async () => {
    const token = uniqueId('m').toLowerCase();
    const child = (await post('/admin/categories', { slug: `tents-${token}`, name: 'Tents', parentId: rootId }).expect(201)).body;
    const otherRoot = (await post('/admin/categories', { slug: `camping-${token}`, name: 'Camping' }).expect(201)).body;
    const { body: product } = await post('/admin/products', newProduct(child.id)).expect(201);
    assert.deepEqual((await indexedDocument(t.deps.db, t.deps.es, product.id)).categoryPath, [child.path.split('/')[0], child.path]);

    const moved = await patch(`/admin/categories/${child.id}`, { parentId: otherRoot.id }).expect(200);
    assert.equal(moved.body.path, `${otherRoot.slug}/${child.slug}`);
    assert.equal(moved.body.reindexedProducts, 1);
    assert.ok(moved.body.catchUpWorkflowId);
    // The catch-up sweeps every lagging product, not only this one, and goes on after indexing it:
    // it must be over before the next test makes a product lag on purpose.
    await testStack().temporal.client.workflow.getHandle<CatchUpSearchIndexWorkflow>(moved.body.catchUpWorkflowId).result();
    assert.deepEqual((await indexedDocument(t.deps.db, t.deps.es, product.id)).categoryPath, [otherRoot.slug, moved.body.path]);

    const tree = await request(t.app).get('/categories').expect(200);
    const camping = tree.body.find((c: { id: string }) => c.id === otherRoot.id);
    assert.deepEqual(camping.children.map((c: { id: string }) => c.id), [child.id]);
  });

  it('a change made while Temporal is unreachable is committed and caught up later', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9', connectTimeout: '500ms' }) });
    const offline = createTestApp({ temporal: unreachable });
    try {
      const created = await request(offline.app).post('/admin/products').set('Authorization', admin).send(newProduct(rootId)).expect(201);
      assert.equal(created.body.searchSync, 'deferred');
      const row = await t.deps.db.selectFrom('products').select(['search_version', 'search_indexed_version']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
      assert.ok(row.search_indexed_version < row.search_version, 'lagging until the catch-up');

      await testStack().temporal.client.workflow.execute<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
        workflowId: uniqueId('search-catch-up-test'),
        taskQueue: taskQueues.search,
        args: [],
      });
      assert.equal((await indexedDocument(t.deps.db, t.deps.es, created.body.id, 1)).name, created.body.name);
    } finally {
      await offline.close();
      await unreachable.connection.close();
    }
  });

  describe('refuses bad changes with problem+json and writes nothing', () => {
    it('400 for a client-chosen field the schema does not know, a bad SKU, or mixed currencies', async () => {
      const unknownField = await post('/admin/products', { ...newProduct(rootId), searchVersion: 99 }).expect(400);
      assert.equal(unknownField.body.type, '/problems/validation-failed');
      const product = newProduct(rootId);
      product.variants[0]!.sku = 'bad sku!';
      assert.equal((await post('/admin/products', product).expect(400)).body.errors[0].path, 'variants.0.sku');
      const mixed = newProduct(rootId);
      mixed.variants[1]!.currency = 'EUR';
      assert.equal((await post('/admin/products', mixed).expect(400)).body.errors[0].message, 'all variants share one currency');
    });

    it('400 for a seller email whose part before @ is longer than 64 characters (found by the API fuzz)', async () => {
      const tooLong = await post('/admin/sellers', { slug: uniqueId('seller').toLowerCase(), name: 'Long Local', email: `${'a'.repeat(65)}@example.com`, country: 'US' }).expect(400);
      assert.equal(tooLong.body.type, '/problems/validation-failed');
      assert.equal(tooLong.body.errors[0].path, 'email');
      await post('/admin/sellers', { slug: uniqueId('seller').toLowerCase(), name: 'Longest Local', email: `${'a'.repeat(64)}@example.com`, country: 'US' }).expect(201);
    });

    it('400, not a 422 from the database, for a weight of 0 grams (found by the API fuzz)', async () => {
      const product = newProduct(rootId);
      const weightless = { ...product, variants: [{ ...product.variants[0], weightGrams: 0 }] };
      const res = await post('/admin/products', weightless).expect(400);
      assert.equal(res.body.type, '/problems/validation-failed');
      assert.equal(res.body.errors[0].path, 'variants.0.weightGrams');
    });

    it('409 for a SKU that exists, and the product is not half-created', async () => {
      const first = newProduct(rootId);
      await post('/admin/products', first).expect(201);
      const second = newProduct(rootId, { variants: [{ ...first.variants[0], attributes: { color: 'blue' } }] });
      const conflict = await post('/admin/products', second).expect(409);
      assert.equal(conflict.body.type, '/problems/already-exists');
      assert.equal(conflict.body.constraint, 'product_variants_sku_key');
      const orphan = await t.deps.db.selectFrom('products').select('id').where('name', '=', second.name).executeTakeFirst();
      assert.equal(orphan, undefined);
    });

    it('422 for an unknown category, 404 for an unknown product or SKU', async () => {
      const unknown = await post('/admin/products', newProduct('00000000-0000-4000-8000-000000000000')).expect(422);
      assert.equal(unknown.body.type, '/problems/unknown-reference');
      await patch('/admin/products/00000000-0000-4000-8000-000000000000', { name: 'x' }).expect(404);
      await patch('/admin/variants/NO-SUCH-SKU', { priceAmount: 1 }).expect(404);
    });

    it('403 for customer and support tokens', async () => {
      for (const role of ['customer', 'support'] as const) {
        const res = await request(t.app).post('/admin/products').set('Authorization', await t.bearer(role)).send(newProduct(rootId));
        assert.equal(res.status, 403);
      }
    });
  });
});
