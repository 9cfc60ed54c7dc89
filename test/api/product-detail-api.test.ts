import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createDb } from '../../db/create-db';
import { createRedis } from '../../platform/create-redis';
import { createLogger } from '../../platform/logger';
import { invalidateProducts, productCacheKey, PRODUCT_CACHE_TTL_SECONDS } from '../../platform/product-cache';
import { createCatalogFixture, type CatalogFixture } from '../support/catalog-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

describe('GET /products/:id: product detail from PostgreSQL through the Redis cache', () => {
  let testApp: TestApp;
  let catalog: CatalogFixture;

  before(async () => {
    testApp = createTestApp();
    catalog = await createCatalogFixture(testApp.deps);
    // Without an offline queue, commands sent before the connection is up fail (and read as misses).
    if (testApp.deps.redis.status !== 'ready') await once(testApp.deps.redis, 'ready');
  });
  after(() => testApp.close());

  const get = (ref: string, app = testApp.app) => request(app).get(`/products/${ref}`);

  const stockedProduct = (stock = [5, 2]) =>
    catalog.product({ name: `Desk ${catalog.word()}`, skus: [{ attributes: { finish: 'oak' }, price: 19900, stock }] });

  it('answers the product, its images and each active SKU with price and availability per warehouse', async () => {
    const category = await catalog.category('furniture/chairs');
    const brand = `Sitwell ${catalog.token}`;
    const product = await catalog.product({
      name: 'Task chair',
      description: 'Adjustable, breathable mesh.',
      brand,
      category,
      rating: 4.3,
      reviewCount: 17,
      images: [{ url: 'https://img.example/chair-front.jpg', altText: 'front' }, { url: 'https://img.example/chair-side.jpg' }],
      skus: [
        { attributes: { color: 'black' }, price: 24900, stock: [10, 4] },
        { attributes: { color: 'grey' }, price: 25900, currency: 'USD', stock: [0] },
        { attributes: { color: 'red' }, price: 26900, stock: [7], active: false },
      ],
    });
    await catalog.reserve(product.skus[0]!, 0, 3);

    const res = await get(product.id);

    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [black, grey] = product.skus;
    assert.deepEqual(res.body, {
      id: product.id,
      slug: product.slug,
      name: 'Task chair',
      description: 'Adjustable, breathable mesh.',
      status: 'active',
      brand: { slug: res.body.brand.slug, name: brand },
      category: { id: res.body.category.id, slug: `${catalog.token}-furniture-chairs`, name: 'chairs', path: category },
      seller: { id: res.body.seller.id, slug: `seller-${catalog.token}`, name: `Seller ${catalog.token}` },
      rating: 4.3,
      reviewCount: 17,
      images: [
        { url: 'https://img.example/chair-front.jpg', altText: 'front', position: 0 },
        { url: 'https://img.example/chair-side.jpg', altText: '', position: 1 },
      ],
      available: 11,
      inStock: true,
      skus: [
        {
          sku: black,
          attributes: { color: 'black' },
          price: { amount: 24900, currency: 'USD' },
          available: 11,
          inStock: true,
          warehouses: [
            { code: catalog.warehouses[0], available: 7 },
            { code: catalog.warehouses[1], available: 4 },
          ],
        },
        {
          sku: grey,
          attributes: { color: 'grey' },
          price: { amount: 25900, currency: 'USD' },
          available: 0,
          inStock: false,
          warehouses: [{ code: catalog.warehouses[0], available: 0 }],
        },
      ],
    });
  });

  it('accepts the slug as well as the id', async () => {
    const product = await stockedProduct();
    const bySlug = await get(product.slug);
    assert.equal(bySlug.status, 200);
    assert.equal(bySlug.body.id, product.id);
    assert.equal(bySlug.headers['x-cache'], 'miss');
    const again = await get(product.slug);
    assert.equal(again.headers['x-cache'], 'hit');
    assert.equal(again.body.id, product.id);
    const byUpperCaseId = await get(product.id.toUpperCase());
    assert.equal(byUpperCaseId.body.id, product.id);
    assert.equal(byUpperCaseId.headers['x-cache'], 'hit');
  });

  it('answers 404 problem for an inactive or unknown product, 400 for something that is neither id nor slug', async () => {
    const inactive = await catalog.product({ name: 'Old desk', status: 'inactive', skus: [{ price: 100, stock: [1] }] });
    for (const ref of [inactive.id, inactive.slug, '00000000-0000-4000-8000-000000000000', `${catalog.token}-no-such-product`]) {
      const res = await get(ref);
      assert.equal(res.status, 404, ref);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.type, '/problems/not-found');
    }
    assert.equal(await testApp.deps.redis.exists(productCacheKey(inactive.id)), 0, 'a 404 is not cached');

    for (const ref of ['Not%20A%20Slug', 'UPPER', `${'a'.repeat(201)}`, 'semi%3Bcolon']) {
      const res = await get(ref);
      assert.equal(res.status, 400, ref);
      assert.equal(res.body.type, '/problems/validation-failed');
      assert.equal(res.body.errors[0].in, 'path');
    }
  });

  describe('cache', () => {
    it('misses once, then hits with the same body and the TTL of platform/product-cache', async () => {
      const product = await stockedProduct();
      const first = await get(product.id);
      assert.equal(first.headers['x-cache'], 'miss');
      const ttl = await testApp.deps.redis.ttl(productCacheKey(product.id));
      assert.ok(ttl > 0 && ttl <= PRODUCT_CACHE_TTL_SECONDS, `ttl ${ttl}`);
      const second = await get(product.id);
      assert.equal(second.headers['x-cache'], 'hit');
      assert.deepEqual(second.body, first.body);
    });

    it('treats an entry it cannot read as a miss and replaces it', async () => {
      const product = await stockedProduct();
      for (const junk of ['{not json', JSON.stringify({ id: product.id })]) {
        await testApp.deps.redis.set(productCacheKey(product.id), junk, 'EX', PRODUCT_CACHE_TTL_SECONDS);
        const res = await get(product.id);
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-cache'], 'miss');
        assert.equal(res.body.available, 7);
        assert.equal((await get(product.id)).headers['x-cache'], 'hit');
      }
    });

    it('serves a hit without any database query', async () => {
      const product = await stockedProduct();
      assert.equal((await get(product.id)).headers['x-cache'], 'miss');
      assert.equal((await get(product.slug)).headers['x-cache'], 'miss', 'the slug is learnt on its first request');

      // Nothing listens on port 9: any query would fail the request.
      const redis = createRedis({ url: testConfig().redis.url });
      const noDb = createTestApp({ redis, db: createDb({ url: 'postgres://app@127.0.0.1:9/nothing', poolSize: 1 }) });
      try {
        if (redis.status !== 'ready') await once(redis, 'ready');
        for (const ref of [product.id, product.slug]) {
          const res = await get(ref, noDb.app);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(res.headers['x-cache'], 'hit');
          assert.equal(res.body.available, 7);
        }
        const uncached = await stockedProduct();
        const refused = await get(uncached.id, noDb.app);
        assert.equal(refused.status, 503, 'proves this app really has no database');
        assert.equal(refused.body.type, '/problems/service-unavailable');
      } finally {
        await noDb.close();
      }
    });

    it('keeps serving the cached value until the writer invalidates it, then shows the new availability', async () => {
      const product = await stockedProduct([5, 2]);
      assert.equal((await get(product.id)).body.available, 7);

      await catalog.adjustStock(product.skus[0]!, 1, 10);
      const stale = await get(product.id);
      assert.equal(stale.headers['x-cache'], 'hit');
      assert.equal(stale.body.available, 7, 'without invalidation the cached value is served');

      await invalidateProducts(testApp.deps.redis, [product.id]);
      const fresh = await get(product.id);
      assert.equal(fresh.headers['x-cache'], 'miss');
      assert.equal(fresh.body.available, 17);
      assert.deepEqual(fresh.body.skus[0].warehouses.map((w: { available: number }) => w.available), [5, 12]);
      assert.equal((await get(product.id)).headers['x-cache'], 'hit');
    });

    it('does not serve another product when a slug changed hands', async () => {
      const renamed = await stockedProduct();
      assert.equal((await get(renamed.slug)).body.id, renamed.id);
      const oldSlug = renamed.slug;
      // The writer changes the slug and invalidates the product; a new product takes the old slug.
      await testApp.deps.db.updateTable('products').set({ slug: `${oldSlug}-renamed` }).where('id', '=', renamed.id).execute();
      await invalidateProducts(testApp.deps.redis, [renamed.id]);
      const successor = await catalog.product({ name: 'Successor', skus: [{ price: 500 }] });
      await testApp.deps.db.updateTable('products').set({ slug: oldSlug }).where('id', '=', successor.id).execute();

      // The renamed product is cached again under its id, while the old slug still points at it.
      assert.equal((await get(`${oldSlug}-renamed`)).body.id, renamed.id);
      assert.equal((await get(renamed.id)).headers['x-cache'], 'hit');

      const res = await get(oldSlug);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, successor.id);
      assert.equal(res.headers['x-cache'], 'miss');
      assert.equal((await get(oldSlug)).body.id, successor.id);
    });

    it('serves from PostgreSQL and logs a warning when Redis is down', async () => {
      const product = await stockedProduct([4]);
      const lines: string[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const deadRedis = createRedis({ url: 'redis://127.0.0.1:9' });
      deadRedis.on('error', () => undefined);
      const noRedis = createTestApp({ redis: deadRedis, logger: createLogger({ serviceName: 'api-test', level: 'warn', destination }) });
      try {
        for (const ref of [product.id, product.slug, product.id]) {
          const res = await get(ref, noRedis.app);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(res.headers['x-cache'], 'miss');
          assert.equal(res.body.available, 4);
        }
        const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.msg.startsWith('product cache unavailable'));
        assert.equal(warnings.length, 3, 'one warning per request, not per command');
        assert.ok(warnings.every((w) => w.level === 40));
      } finally {
        deadRedis.disconnect();
        await noRedis.close();
      }
    });
  });
});
