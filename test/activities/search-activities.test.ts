import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { quietLogger } from '../support/test-stack';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import { createSearchActivities } from '../../activities/search/search-activities';
import type { Database } from '../../db/database';
import { findStaleProductIds, type ProductSearchDocument } from '../../db/product-search-documents';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createStockedSku, createTestDb } from '../support/db-fixtures';
import { testConfig, testIndices } from '../support/test-stack';

describe('search activities (real Elasticsearch)', () => {
  let db: Kysely<Database>;
  let es: Elasticsearch;
  const indices = testIndices();
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => env.run(activity, ...args) as Promise<R>;

  before(() => {
    db = createTestDb();
    es = createElasticsearch(testConfig().elasticsearch);
  });
  after(async () => {
    await db.destroy();
    await es.close();
  });

  const fetch = async (id: string) => {
    const doc = await es.get<ProductSearchDocument>({ index: indices.products.name, id });
    return { version: doc._version, source: doc._source! };
  };

  it('creates the index on first use and writes availability as on_hand minus reserved over warehouses', async () => {
    const { sku, productId } = await createStockedSku(db, 12);
    await db.updateTable('inventory').set({ reserved: 5 }).where('sku', '=', sku).execute();
    const activities = createSearchActivities({ db, es, indices });

    const result = await run(activities.indexProducts, [productId]);

    assert.deepEqual(result, { indexed: 1, superseded: 0, missing: 0 });
    const { source } = await fetch(productId);
    assert.equal(source.available, 7);
    assert.equal(source.inStock, true);
    assert.deepEqual(
      source.skus.map((s) => [s.sku, s.available]),
      [[sku, 7]],
    );
    assert.deepEqual(source.attributes, ['size:M']);
  });

  it('never lets an older state roll a newer document back', async () => {
    const { sku, productId } = await createStockedSku(db, 3);
    const activities = createSearchActivities({ db, es, indices });
    await run(activities.indexProducts, [productId]);
    const { version } = await fetch(productId);

    // A writer holding a newer state got there first...
    const newer = { ...(await fetch(productId)).source, available: 42 };
    await es.index({ index: indices.products.name, id: productId, document: newer, version: version! + 5, version_type: 'external_gte' });
    // ...then our write of an older state arrives late.
    await db.updateTable('inventory').set({ on_hand: 1 }).where('sku', '=', sku).execute();
    const late = await run(activities.indexProducts, [productId]);

    assert.deepEqual(late, { indexed: 0, superseded: 1, missing: 0 });
    const current = await fetch(productId);
    assert.equal(current.version, version! + 5);
    assert.equal(current.source.available, 42);
  });

  it('records the version it wrote, so lagging products can be found', async () => {
    const { productId } = await createStockedSku(db, 3);
    const before = await db.selectFrom('products').select(['search_version', 'search_indexed_version']).where('id', '=', productId).executeTakeFirstOrThrow();
    assert.ok(before.search_indexed_version < before.search_version);
    assert.ok((await findStaleProductIds(db, 10_000)).includes(productId));

    await run(createSearchActivities({ db, es, indices }).indexProducts, [productId]);

    const after = await db.selectFrom('products').select(['search_version', 'search_indexed_version']).where('id', '=', productId).executeTakeFirstOrThrow();
    assert.equal(after.search_indexed_version, after.search_version);
    assert.ok(!(await findStaleProductIds(db, 10_000)).includes(productId));
  });

  it('reports products that no longer exist as missing', async () => {
    const activities = createSearchActivities({ db, es, indices });
    const result = await run(activities.indexProducts, ['00000000-0000-0000-0000-000000000000']);
    assert.deepEqual(result, { indexed: 0, superseded: 0, missing: 1 });
  });
});
