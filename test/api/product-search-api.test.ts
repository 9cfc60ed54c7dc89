import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { searchIndices } from '../../platform/search-indices';
import { createCatalogFixture, type CatalogFixture, type FixtureProduct } from '../support/catalog-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

interface Hit {
  id: string;
  slug: string;
  name: string;
  brand: string | null;
  priceMin: number;
  priceMax: number;
  currency: string;
  available: number;
  inStock: boolean;
  rating: number | null;
  reviewCount: number;
  attributes: string[];
  highlight: { name?: string[]; description?: string[] };
}
interface SearchBody {
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  items: Hit[];
  facets: {
    category: { path: string; count: number }[];
    brand: { brand: string; count: number }[];
    price: { priceMin: number; priceMax?: number; count: number }[];
  };
}

type Params = [string, string][] | Record<string, string>;

describe('GET /products: storefront search (real Elasticsearch)', () => {
  let testApp: TestApp;
  let catalog: CatalogFixture;

  before(async () => {
    testApp = createTestApp();
    catalog = await createCatalogFixture(testApp.deps);
  });
  after(() => testApp.close());

  const get = (params: Params) => request(testApp.app).get(`/products?${new URLSearchParams(params).toString()}`);
  const search = async (params: Params): Promise<SearchBody> => {
    const res = await get(params);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as SearchBody;
  };
  const ids = (body: SearchBody) => body.items.map((item) => item.id);
  const idsOf = (...products: FixtureProduct[]) => products.map((p) => p.id);
  const sorted = (values: string[]) => [...values].sort();

  describe('text', () => {
    it('ranks a name match above a brand or description-only match', async () => {
      const word = catalog.word();
      const inDescription = await catalog.product({ name: 'Plain mug', description: `A sturdy mug, ${word} approved, for every morning.`, skus: [{ price: 900 }] });
      const inName = await catalog.product({ name: `${word} mug`, description: 'A sturdy mug.', skus: [{ price: 900 }] });
      const inBrand = await catalog.product({ name: 'Other mug', brand: `${word} Works`, skus: [{ price: 900 }] });
      await catalog.index([inDescription, inName, inBrand]);

      const body = await search({ q: word });
      assert.equal(body.total, 3);
      assert.deepEqual(sorted(ids(body)), sorted(idsOf(inDescription, inName, inBrand)));
      // Brand versus description depends on the corpus (how many products have a brand), so only the name's lead is asserted.
      assert.equal(ids(body)[0], inName.id);
    });

    it('needs every word, but they may be spread over name, brand and description', async () => {
      const [brandWord, nameWord] = [catalog.word(), catalog.word()];
      const both = await catalog.product({ name: `${nameWord} kettle`, brand: `${brandWord} Home`, skus: [{ price: 2500 }] });
      const onlyName = await catalog.product({ name: `${nameWord} teapot`, skus: [{ price: 2500 }] });
      await catalog.index([both, onlyName]);

      assert.deepEqual(ids(await search({ q: `${brandWord} ${nameWord}` })), idsOf(both));
      assert.deepEqual(sorted(ids(await search({ q: nameWord }))), sorted(idsOf(both, onlyName)));
    });

    it('highlights matches in name and description with <em>, HTML-escaped', async () => {
      const word = catalog.word();
      const product = await catalog.product({
        name: `Lamp <b>${word}</b> edition`,
        description: `Warm light. The ${word} shade is linen. Dimmable.`,
        skus: [{ price: 4500 }],
      });
      const other = await catalog.product({ name: `Quiet ${catalog.word()} lamp`, skus: [{ price: 4500 }] });
      await catalog.index([product, other]);

      const [hit] = (await search({ q: word })).items;
      assert.equal(hit?.id, product.id);
      assert.deepEqual(hit.highlight.name, [`Lamp &lt;b&gt;<em>${word}</em>&lt;&#x2F;b&gt; edition`]);
      assert.equal(hit.highlight.description?.length, 1);
      assert.match(hit.highlight.description[0]!, new RegExp(`The <em>${word}</em> shade`));

      const noText = await search({ category: catalog.root, pageSize: '50' });
      assert.ok(noText.items.length > 0);
      assert.ok(noText.items.every((item) => Object.keys(item.highlight).length === 0));
    });

    it('returns the fields a result list needs', async () => {
      const word = catalog.word();
      const product = await catalog.product({
        name: `${word} backpack`,
        brand: `Trail ${catalog.token}`,
        rating: 4.5,
        reviewCount: 12,
        skus: [
          { attributes: { color: 'green' }, price: 5900, stock: [3, 1] },
          { attributes: { color: 'black' }, price: 6900, stock: [0] },
        ],
      });
      await catalog.index([product]);

      const [hit] = (await search({ q: word })).items;
      assert.deepEqual(hit, {
        id: product.id,
        slug: product.slug,
        name: `${word} backpack`,
        brand: `Trail ${catalog.token}`,
        priceMin: 5900,
        priceMax: 6900,
        currency: 'USD',
        available: 4,
        inStock: true,
        rating: 4.5,
        reviewCount: 12,
        attributes: ['color:black', 'color:green'],
        highlight: { name: [`<em>${word}</em> backpack`] },
      });
    });
  });

  describe('filters', () => {
    let word: string;
    let shoes: string;
    let apparel: string;
    let boots: FixtureProduct;
    let sneakers: FixtureProduct;
    let jacket: FixtureProduct;
    let vase: FixtureProduct;
    let hidden: FixtureProduct;
    let brandA: string;
    let brandB: string;

    before(async () => {
      word = catalog.word();
      apparel = await catalog.category('apparel');
      shoes = await catalog.category('apparel/shoes');
      const decor = await catalog.category('decor');
      brandA = `Acme ${catalog.token}`;
      brandB = `Brio ${catalog.token}`;
      boots = await catalog.product({
        name: `${word} boots`,
        brand: brandA,
        category: shoes,
        rating: 4.6,
        skus: [
          { attributes: { color: 'red', size: 'L' }, price: 8000, stock: [2] },
          { attributes: { color: 'blue', size: 'M' }, price: 12000, stock: [0] },
        ],
      });
      sneakers = await catalog.product({
        name: `${word} sneakers`,
        brand: brandB,
        category: shoes,
        rating: 3.9,
        skus: [{ attributes: { color: 'red', size: 'M' }, price: 6000, stock: [0, 5] }],
      });
      jacket = await catalog.product({
        name: `${word} jacket`,
        brand: brandA,
        category: apparel,
        skus: [{ attributes: { color: 'blue', size: 'M' }, price: 15000, stock: [0] }],
      });
      vase = await catalog.product({
        name: `${word} vase`,
        category: decor,
        rating: 5,
        skus: [{ attributes: { color: 'white' }, price: 2000, stock: [1] }],
      });
      hidden = await catalog.product({ name: `${word} retired boots`, brand: brandA, category: shoes, status: 'inactive', skus: [{ price: 8000, stock: [9] }] });
      await catalog.index([boots, sneakers, jacket, vase, hidden]);
    });

    const matching = async (params: [string, string][]) => sorted(ids(await search([['q', word], ...params])));

    it('shows only active products', async () => {
      assert.deepEqual(await matching([]), sorted(idsOf(boots, sneakers, jacket, vase)));
    });

    it('category matches the category and its descendants', async () => {
      assert.deepEqual(await matching([['category', apparel]]), sorted(idsOf(boots, sneakers, jacket)));
      assert.deepEqual(await matching([['category', shoes]]), sorted(idsOf(boots, sneakers)));
      assert.deepEqual(await matching([['category', `${apparel}/nothing-here`]]), []);
    });

    it('brand is exact and repeatable', async () => {
      assert.deepEqual(await matching([['brand', brandA]]), sorted(idsOf(boots, jacket)));
      assert.deepEqual(await matching([['brand', brandA], ['brand', brandB]]), sorted(idsOf(boots, sneakers, jacket)));
      assert.deepEqual(await matching([['brand', brandA.toUpperCase()]]), []);
    });

    it('price matches when one SKU costs that much', async () => {
      assert.deepEqual(await matching([['priceMin', '7000'], ['priceMax', '9000']]), idsOf(boots));
      // boots spans 8000..12000 but no SKU costs between 9000 and 11000.
      assert.deepEqual(await matching([['priceMin', '9000'], ['priceMax', '11000']]), []);
      assert.deepEqual(await matching([['priceMin', '12000']]), sorted(idsOf(boots, jacket)));
      assert.deepEqual(await matching([['priceMax', '6000']]), sorted(idsOf(sneakers, vase)));
      assert.deepEqual(await matching([['priceMin', '6000'], ['priceMax', '6000']]), idsOf(sneakers));
    });

    it('inStock=true keeps products with stock to sell; false does not filter', async () => {
      assert.deepEqual(await matching([['inStock', 'true']]), sorted(idsOf(boots, sneakers, vase)));
      assert.deepEqual(await matching([['inStock', 'false']]), sorted(idsOf(boots, sneakers, jacket, vase)));
    });

    it('attr: values of one key are alternatives, different keys hold for the same SKU', async () => {
      assert.deepEqual(await matching([['attr', 'color:red']]), sorted(idsOf(boots, sneakers)));
      assert.deepEqual(await matching([['attr', 'color:red'], ['attr', 'color:white']]), sorted(idsOf(boots, sneakers, vase)));
      // boots has a red L and a blue M, but no red M.
      assert.deepEqual(await matching([['attr', 'color:red'], ['attr', 'size:M']]), idsOf(sneakers));
      assert.deepEqual(await matching([['attr', 'color:blue'], ['attr', 'size:M']]), sorted(idsOf(boots, jacket)));
      // ...and with inStock, that SKU must be the one in stock: the blue Ms are sold out.
      assert.deepEqual(await matching([['attr', 'color:blue'], ['inStock', 'true']]), []);
      assert.deepEqual(await matching([['attr', 'size:M'], ['inStock', 'true']]), idsOf(sneakers));
    });

    it('minRating keeps products rated at least that, never unrated ones', async () => {
      assert.deepEqual(await matching([['minRating', '4']]), sorted(idsOf(boots, vase)));
      assert.deepEqual(await matching([['minRating', '4.6']]), sorted(idsOf(boots, vase)));
      assert.deepEqual(await matching([['minRating', '1']]), sorted(idsOf(boots, sneakers, vase)));
    });

    it('combines filters', async () => {
      assert.deepEqual(await matching([['category', apparel], ['brand', brandA], ['inStock', 'true'], ['priceMax', '9000']]), idsOf(boots));
    });

    it('facets are disjunctive: each ignores its own filter and respects the others', async () => {
      const everything = await search({ q: word });
      const count = <T extends { count: number }>(buckets: T[], pick: (b: T) => boolean) => buckets.find(pick)?.count;
      assert.equal(count(everything.facets.brand, (b) => b.brand === brandA), 2);
      assert.equal(count(everything.facets.brand, (b) => b.brand === brandB), 1);
      assert.equal(count(everything.facets.category, (c) => c.path === catalog.root), 4);
      assert.equal(count(everything.facets.category, (c) => c.path === apparel), 3);
      assert.equal(count(everything.facets.category, (c) => c.path === shoes), 2);

      const brandAOnly = await search([['q', word], ['brand', brandA]]);
      assert.equal(brandAOnly.total, 2);
      // The brand facet still offers brand B with the count it would add...
      assert.deepEqual(
        brandAOnly.facets.brand.map((b) => [b.brand, b.count]),
        [[brandA, 2], [brandB, 1]],
      );
      // ...while the category facet counts only brand A's products.
      assert.equal(count(brandAOnly.facets.category, (c) => c.path === apparel), 2);
      assert.equal(count(brandAOnly.facets.category, (c) => c.path === shoes), 1);

      const brandBInDecor = await search([['q', word], ['brand', brandB], ['category', catalog.root + '/' + `${catalog.token}-decor`]]);
      assert.equal(brandBInDecor.total, 0);
      assert.deepEqual(brandBInDecor.facets.brand, [], 'no brand in decor but the unbranded vase');
      assert.equal(count(brandBInDecor.facets.category, (c) => c.path === shoes), 1);
    });

    it('price buckets count what choosing them returns, and respect the other filters', async () => {
      const body = await search({ q: word });
      assert.deepEqual(
        body.facets.price.map((b) => [b.priceMin, b.priceMax, b.count]),
        [
          [0, 999, 0],
          [1000, 2499, 1],
          [2500, 4999, 0],
          [5000, 9999, 2],
          [10000, 24999, 2],
          [25000, 49999, 0],
          [50000, undefined, 0],
        ],
      );
      for (const bucket of body.facets.price) {
        const range: [string, string][] = [['priceMin', String(bucket.priceMin)]];
        if (bucket.priceMax !== undefined) range.push(['priceMax', String(bucket.priceMax)]);
        const chosen = await search([['q', word], ...range]);
        assert.equal(chosen.total, bucket.count, `bucket from ${bucket.priceMin}`);
        // Choosing a price keeps every price bucket's count (its own filter is ignored).
        assert.deepEqual(chosen.facets.price, body.facets.price);
      }
      const inStock = await search({ q: word, inStock: 'true' });
      assert.deepEqual(
        inStock.facets.price.map((b) => b.count),
        [0, 1, 0, 2, 0, 0, 0],
        'the 12000 boots and the jacket are sold out',
      );
    });
  });

  describe('sort and pagination', () => {
    let word: string;
    let cheap: FixtureProduct;
    let wide: FixtureProduct;
    let middle: FixtureProduct;
    let unrated: FixtureProduct;

    before(async () => {
      word = catalog.word();
      const day = (n: number) => new Date(Date.UTC(2026, 0, n));
      wide = await catalog.product({ name: `${word} wide`, rating: 3.2, reviewCount: 4, createdAt: day(3), skus: [{ price: 1000 }, { price: 9000 }] });
      middle = await catalog.product({ name: `${word} middle`, rating: 4.8, reviewCount: 20, createdAt: day(1), skus: [{ price: 2000 }, { price: 3000 }] });
      cheap = await catalog.product({ name: `${word} cheap`, rating: 3.2, reviewCount: 9, createdAt: day(4), skus: [{ price: 1500 }] });
      unrated = await catalog.product({ name: `${word} unrated`, createdAt: day(2), skus: [{ price: 5000 }] });
      await catalog.index([wide, middle, cheap, unrated]);
    });

    const order = async (sort?: string) => ids(await search({ q: word, ...(sort && { sort }) }));

    it('price_asc by the lowest SKU price, price_desc by the highest', async () => {
      assert.deepEqual(await order('price_asc'), idsOf(wide, cheap, middle, unrated));
      assert.deepEqual(await order('price_desc'), idsOf(wide, unrated, middle, cheap));
    });

    it('newest by creation time', async () => {
      assert.deepEqual(await order('newest'), idsOf(cheap, wide, unrated, middle));
    });

    it('rating: best first, more reviews first on a tie, unrated last', async () => {
      assert.deepEqual(await order('rating'), idsOf(middle, cheap, wide, unrated));
    });

    it('relevance is the default, and without text it is newest first', async () => {
      const sameScore = await order();
      assert.deepEqual(sameScore, idsOf(cheap, wide, unrated, middle), 'equal scores fall back to newest');
      assert.deepEqual(ids(await search({ category: catalog.root, sort: 'relevance', pageSize: '50' })), ids(await search({ category: catalog.root, sort: 'newest', pageSize: '50' })));
    });

    it('pages through the results with an exact total', async () => {
      const all = await order('price_asc');
      const page = (n: number) => search({ q: word, sort: 'price_asc', pageSize: '3', page: String(n) });
      const [first, second, third] = await Promise.all([page(1), page(2), page(3)]);
      assert.deepEqual([first.total, second.total, third.total], [4, 4, 4]);
      assert.deepEqual([first.pageCount, first.page, first.pageSize], [2, 1, 3]);
      assert.deepEqual(ids(first), all.slice(0, 3));
      assert.deepEqual(ids(second), all.slice(3));
      assert.deepEqual(ids(third), []);
    });
  });

  describe('bad parameters: 400 problem+json, never a 500', () => {
    const cases: [string, Params, string][] = [
      ['an unknown parameter', { q: 'mug', color: 'red' }, ''],
      ['pageSize 0', { pageSize: '0' }, 'pageSize'],
      ['pageSize 51', { pageSize: '51' }, 'pageSize'],
      ['a fractional page', { page: '1.5' }, 'page'],
      ['page 0', { page: '0' }, 'page'],
      ['a page beyond the first 10,000 results', { page: '201', pageSize: '50' }, 'page'],
      ['a page beyond the cap at the default size', { page: '501' }, 'page'],
      ['priceMin greater than priceMax', { priceMin: '5000', priceMax: '4999' }, 'priceMin'],
      ['a negative price', { priceMin: '-1' }, 'priceMin'],
      ['a price with decimals', { priceMax: '19.99' }, 'priceMax'],
      ['an attr without a value', { attr: 'color' }, 'attr'],
      ['an attr without a key', { attr: ':red' }, 'attr'],
      ['an attr with an empty value', { attr: 'color:' }, 'attr'],
      ['minRating 6', { minRating: '6' }, 'minRating'],
      ['minRating 0', { minRating: '0' }, 'minRating'],
      ['an unknown sort', { sort: 'cheapest' }, 'sort'],
      ['inStock yes', { inStock: 'yes' }, 'inStock'],
      ['a category that is not a slug path', { category: 'Apparel/Shoes' }, 'category'],
      ['a brand as an object', [['brand[x]', 'a']], 'brand'],
      ['q over 200 characters', { q: 'x'.repeat(201) }, 'q'],
      ['21 brands', Array.from({ length: 21 }, (_, i): [string, string] => ['brand', `b${i}`]), 'brand'],
    ];
    for (const [what, params, path] of cases) {
      it(`400 for ${what}`, async () => {
        const res = await get(params);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(res.headers['content-type']!, /application\/problem\+json/);
        assert.equal(res.body.type, '/problems/validation-failed');
        assert.ok(
          res.body.errors.some((e: { in: string; path: string }) => e.in === 'query' && e.path === path),
          JSON.stringify(res.body.errors),
        );
      });
    }

    it('accepts the last page inside the cap', async () => {
      const res = await get({ page: '200', pageSize: '50' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
  });

  describe('degrading', () => {
    it('answers 503 search-unavailable with Retry-After when Elasticsearch is unreachable; product pages still work', async () => {
      const product = await catalog.product({ name: `${catalog.word()} clock`, skus: [{ price: 3000, stock: [2] }] });
      const dead = createTestApp({ es: createElasticsearch({ url: 'http://127.0.0.1:9' }) });
      try {
        const res = await request(dead.app).get('/products?q=clock');
        assert.equal(res.status, 503);
        assert.match(res.headers['content-type']!, /application\/problem\+json/);
        assert.equal(res.body.type, '/problems/search-unavailable');
        assert.equal(res.headers['retry-after'], '5');

        const detail = await request(dead.app).get(`/products/${product.id}`);
        assert.equal(detail.status, 200);
        assert.equal(detail.body.available, 2);
      } finally {
        await dead.close();
      }
    });

    it('answers 503 when Elasticsearch accepts the connection but never answers (timeout)', async function () {
      this.timeout(15_000);
      const sockets = new Set<Socket>();
      const blackHole: Server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      blackHole.listen(0, '127.0.0.1');
      await once(blackHole, 'listening');
      const { port } = blackHole.address() as AddressInfo;
      const stuck = createTestApp({ es: createElasticsearch({ url: `http://127.0.0.1:${port}` }) });
      try {
        const started = performance.now();
        const res = await request(stuck.app).get('/products');
        const elapsed = performance.now() - started;
        assert.equal(res.status, 503);
        assert.equal(res.body.type, '/problems/search-unavailable');
        assert.equal(res.headers['retry-after'], '5');
        assert.ok(elapsed >= 2_900 && elapsed < 6_000, `gave up after ${Math.round(elapsed)} ms`);
      } finally {
        await stuck.close();
        for (const socket of sockets) socket.destroy();
        blackHole.close();
      }
    });

    it('answers an empty result, not an error, when nothing was indexed yet (no index)', async () => {
      const prefix = `${testConfig().elasticsearch.indexPrefix}none-${catalog.token}-`;
      const empty = createTestApp({ indices: searchIndices(prefix) });
      try {
        const res = await request(empty.app).get('/products?q=anything&brand=x&priceMin=100');
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.total, 0);
        assert.deepEqual(res.body.items, []);
        assert.deepEqual(res.body.facets.category, []);
        assert.deepEqual(res.body.facets.brand, []);
        assert.ok(res.body.facets.price.every((b: { count: number }) => b.count === 0));
        const exists = await testApp.deps.es.indices.exists({ index: `${prefix}products` });
        assert.equal(exists, false, 'searching must not create the index');
      } finally {
        await empty.close();
      }
    });
  });

  it('documents its query parameters in /openapi.json', async () => {
    const spec = await request(testApp.app).get('/openapi.json');
    assert.equal(spec.status, 200);
    const operation = spec.body.paths['/products'].get;
    assert.equal(operation.operationId, 'searchProducts');
    assert.deepEqual(
      operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
      ['q', 'category', 'brand', 'priceMin', 'priceMax', 'inStock', 'attr', 'minRating', 'sort', 'page', 'pageSize'].map((n) => `query:${n}`),
    );
    assert.ok(operation.parameters.every((p: { required: boolean; description?: string }) => !p.required && p.description));
    assert.ok(operation.responses['503']);
    assert.equal(spec.body.paths['/products/{id}'].get.operationId, 'getProduct');
  });
});
