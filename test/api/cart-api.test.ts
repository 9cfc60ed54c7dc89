import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import request from 'supertest';
import type { Database } from '../../db/database';
import { CART_TTL_SECONDS, MAX_CART_LINES, cartKeys } from '../../domain/cart';
import { createRedis } from '../../platform/create-redis';
import { addToCart, cartHash, cartTtl, createCart, redisReady, reserveStock, stockInWarehouse } from '../support/cart-fixtures';
import { createStockedSku, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

describe('cart API (real Redis and PostgreSQL)', () => {
  let testApp: TestApp;
  let app: Express;
  let redis: Redis;
  let db: Kysely<Database>;

  before(async () => {
    testApp = createTestApp();
    ({ app } = testApp);
    ({ redis, db } = testApp.deps);
    await redisReady(redis);
  });
  after(() => testApp.close());

  const customer = async () => {
    const sub = uniqueId('cust');
    return { sub, auth: await testApp.bearer('customer', sub) };
  };
  const get = (cartId: string, auth?: string, query = '') => {
    const req = request(app).get(`/carts/${cartId}${query}`);
    return auth ? req.set('Authorization', auth) : req;
  };
  const lineOf = (body: { lines: { sku: string; quantity: number }[] }, sku: string) => body.lines.find((line) => line.sku === sku);

  describe('creating', () => {
    it('creates an anonymous cart whose id is 128 random bits in base64url, stored as one hash with a 30-day TTL', async () => {
      const res = await request(app).post('/carts');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.match(res.body.id, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(Buffer.from(res.body.id, 'base64url').length, 16);
      assert.equal(res.headers.location, `/carts/${res.body.id}`);
      assert.equal(res.body.owner, 'anonymous');
      assert.deepEqual(res.body.lines, []);
      assert.equal(res.body.currency, null);
      assert.equal(res.body.totals, null);
      assert.deepEqual(res.body.limits, { maxLines: 50, maxQuantityPerLine: 99 });

      const hash = await cartHash(redis, res.body.id);
      assert.deepEqual(Object.keys(hash).sort(), ['created_at', 'rev', 'updated_at', 'v']);
      const ttl = await cartTtl(redis, res.body.id);
      assert.ok(ttl > CART_TTL_SECONDS - 60 && ttl <= CART_TTL_SECONDS, `ttl ${ttl}`);
      const expiresIn = Date.parse(res.body.expiresAt) - Date.now();
      assert.ok(Math.abs(expiresIn - CART_TTL_SECONDS * 1000) < 60_000, `expiresAt ${res.body.expiresAt}`);
    });

    it('never hands out the same id twice', async () => {
      const ids = await Promise.all(Array.from({ length: 40 }, () => createCart(app)));
      assert.equal(new Set(ids).size, 40);
    });

    it("gives a customer one active cart: the first POST creates it, later ones (even concurrent) return it", async () => {
      const { sub, auth } = await customer();
      const responses = await Promise.all(Array.from({ length: 10 }, () => request(app).post('/carts').set('Authorization', auth)));
      const ids = new Set(responses.map((res) => res.body.id));
      assert.equal(ids.size, 1, JSON.stringify(responses.map((r) => r.body)));
      assert.deepEqual(
        responses.map((res) => res.status).sort(),
        [200, 200, 200, 200, 200, 200, 200, 200, 200, 201],
      );
      const [id] = [...ids] as [string];
      assert.equal(responses[0]!.body.owner, 'customer');
      assert.equal(await redis.get(cartKeys.owner(sub)), id);
      assert.equal((await cartHash(redis, id)).customer, sub);
      const again = await request(app).post('/carts').set('Authorization', auth);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, id);
    });

    it('refuses staff tokens (403) and bad tokens (401)', async () => {
      for (const role of ['support', 'admin'] as const) {
        const res = await request(app).post('/carts').set('Authorization', await testApp.bearer(role));
        assert.equal(res.status, 403);
        assert.equal(res.body.type, '/problems/forbidden');
      }
      const bad = await request(app).post('/carts').set('Authorization', 'Bearer not-a-jwt');
      assert.equal(bad.status, 401);
      assert.equal(bad.body.type, '/problems/unauthorized');
      assert.match(bad.headers['www-authenticate']!, /^Bearer/);
      const basic = await request(app).post('/carts').set('Authorization', 'Basic abc');
      assert.equal(basic.status, 401);
    });
  });

  describe('lines', () => {
    it('adds a line with the catalog price snapshot and adds to it; the line keeps its first price', async () => {
      const { sku, productId } = await createStockedSku(db, 20, 2500);
      const cartId = await createCart(app);
      const first = await addToCart(app, cartId, sku, 2);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body.lines, [
        {
          sku,
          productId,
          productName: `Test product ${sku}`,
          attributes: { size: 'M' },
          quantity: 2,
          unitPrice: { amount: 2500, currency: 'USD' },
          lineTotal: { amount: 5000, currency: 'USD' },
          weightGrams: null,
          addedAt: first.body.lines[0].addedAt,
        },
      ]);
      assert.equal(first.body.currency, 'USD');

      await db.updateTable('product_variants').set({ price_amount: 9999 }).where('sku', '=', sku).execute();
      const second = await addToCart(app, cartId, sku, 3);
      assert.equal(second.status, 200);
      assert.equal(second.body.lines.length, 1);
      assert.equal(lineOf(second.body, sku)?.quantity, 5);
      assert.deepEqual(second.body.lines[0].unitPrice, { amount: 2500, currency: 'USD' });
      assert.deepEqual(second.body.totals.subtotal, { amount: 12500, currency: 'USD' });

      const fresh = await addToCart(app, await createCart(app), sku, 1);
      assert.deepEqual(fresh.body.lines[0].unitPrice, { amount: 9999, currency: 'USD' }, 'a new line takes the current price');

      const stored = JSON.parse((await cartHash(redis, cartId))[`line:${sku}`]!);
      assert.equal(stored.quantity, 5);
      assert.deepEqual(stored.unitPrice, { amount: 2500, currency: 'USD' });
    });

    it('sets a quantity, removes with 0 or DELETE, and clears the cart', async () => {
      const [a, b, c] = await Promise.all([createStockedSku(db, 10), createStockedSku(db, 10), createStockedSku(db, 10)]);
      const cartId = await createCart(app);
      for (const { sku } of [a!, b!, c!]) assert.equal((await addToCart(app, cartId, sku, 1)).status, 200);

      const set = await request(app).patch(`/carts/${cartId}/lines/${a!.sku}`).send({ quantity: 7 });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(lineOf(set.body, a!.sku)?.quantity, 7);

      const zero = await request(app).patch(`/carts/${cartId}/lines/${a!.sku}`).send({ quantity: 0 });
      assert.equal(zero.status, 200);
      assert.equal(lineOf(zero.body, a!.sku), undefined);

      const removed = await request(app).delete(`/carts/${cartId}/lines/${b!.sku}`);
      assert.equal(removed.status, 200);
      assert.deepEqual(
        removed.body.lines.map((l: { sku: string }) => l.sku),
        [c!.sku],
      );

      for (const res of [
        await request(app).delete(`/carts/${cartId}/lines/${b!.sku}`),
        await request(app).patch(`/carts/${cartId}/lines/${b!.sku}`).send({ quantity: 1 }),
        await request(app).patch(`/carts/${cartId}/lines/${b!.sku}`).send({ quantity: 0 }),
      ]) {
        assert.equal(res.status, 404);
        assert.equal(res.body.type, '/problems/not-found');
        assert.equal(res.body.sku, b!.sku);
      }

      const cleared = await request(app).delete(`/carts/${cartId}/lines`);
      assert.equal(cleared.status, 200);
      assert.deepEqual(cleared.body.lines, []);
      assert.equal(cleared.body.currency, null);
      assert.equal(cleared.body.id, cartId);
      assert.deepEqual(Object.keys(await cartHash(redis, cartId)).sort(), ['created_at', 'rev', 'updated_at', 'v']);
      assert.equal((await get(cartId)).status, 200, 'the cart itself stays');
    });

    it('refuses an unknown SKU, and an inactive SKU or product, with 404 problems', async () => {
      const cartId = await createCart(app);
      const unknown = await addToCart(app, cartId, 'NO-SUCH-SKU-1', 1);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.type, '/problems/not-found');
      assert.equal(unknown.body.sku, 'NO-SUCH-SKU-1');

      const inactiveSku = await createStockedSku(db, 10);
      await db.updateTable('product_variants').set({ active: false }).where('sku', '=', inactiveSku.sku).execute();
      const inactiveProduct = await createStockedSku(db, 10);
      await db.updateTable('products').set({ status: 'inactive' }).where('id', '=', inactiveProduct.productId).execute();
      for (const sku of [inactiveSku.sku, inactiveProduct.sku]) {
        const res = await addToCart(app, cartId, sku, 1);
        assert.equal(res.status, 404, sku);
        assert.match(res.body.detail, /not for sale/);
      }
      assert.deepEqual((await get(cartId)).body.lines, []);
    });

    describe('refuses bad requests with a 400 problem and changes nothing', () => {
      let cartId: string;
      let sku: string;
      let before: Record<string, string>;
      beforeEach(async () => {
        sku = (await createStockedSku(db, 10)).sku;
        cartId = await createCart(app);
        await addToCart(app, cartId, sku, 1).expect(200);
        before = await cartHash(redis, cartId);
      });
      afterEach(async () => {
        assert.deepEqual(await cartHash(redis, cartId), before);
      });

      const cases: [string, (sku: string) => unknown, string, string][] = [
        ['a price in the body', (s) => ({ sku: s, quantity: 1, price: 1 }), '', 'unrecognized_keys'],
        ['a unit price object in the body', (s) => ({ sku: s, quantity: 1, unitPrice: { amount: 1, currency: 'USD' } }), '', 'unrecognized_keys'],
        ['a zero quantity', (s) => ({ sku: s, quantity: 0 }), 'quantity', 'too_small'],
        ['100 units at once', (s) => ({ sku: s, quantity: 100 }), 'quantity', 'too_big'],
        ['a fractional quantity', (s) => ({ sku: s, quantity: 1.5 }), 'quantity', 'invalid_type'],
        ['a quantity as a string', (s) => ({ sku: s, quantity: '2' }), 'quantity', 'invalid_type'],
        ['no sku', () => ({ quantity: 1 }), 'sku', 'invalid_type'],
        ['a sku with a slash', () => ({ sku: 'a/b', quantity: 1 }), 'sku', 'invalid_format'],
      ];
      for (const [what, body, path, code] of cases) {
        it(`POST lines: ${what}`, async () => {
          const res = await request(app)
            .post(`/carts/${cartId}/lines`)
            .send(body(sku) as object);
          assert.equal(res.status, 400, JSON.stringify(res.body));
          assert.equal(res.body.type, '/problems/validation-failed');
          assert.ok(
            res.body.errors.some((e: { path: string; code: string }) => e.path === path && e.code === code),
            JSON.stringify(res.body.errors),
          );
        });
      }

      it('PATCH: a quantity above 99, a negative one, or an extra field', async () => {
        for (const body of [{ quantity: 100 }, { quantity: -1 }, { quantity: 2, price: 1 }]) {
          const res = await request(app).patch(`/carts/${cartId}/lines/${sku}`).send(body);
          assert.equal(res.status, 400, JSON.stringify(body));
          assert.equal(res.body.type, '/problems/validation-failed');
        }
      });

      it('malformed JSON (400) and a non-JSON body (415)', async () => {
        const malformed = await request(app).post(`/carts/${cartId}/lines`).type('json').send('{"sku":');
        assert.equal(malformed.status, 400);
        assert.equal(malformed.body.type, '/problems/malformed-json');
        const text = await request(app).post(`/carts/${cartId}/lines`).type('text').send('sku=1');
        assert.equal(text.status, 415);
      });

      it('a malformed cart id or SKU in the path', async () => {
        assert.equal((await get('short')).status, 400);
        assert.equal((await request(app).delete(`/carts/${cartId}/lines/-bad`)).status, 400);
      });
    });
  });

  describe('stock and bounds', () => {
    it('refuses more than is available with 409 insufficient-stock naming sku, requested and available', async () => {
      const { sku } = await createStockedSku(db, 5);
      const cartId = await createCart(app);
      await addToCart(app, cartId, sku, 4).expect(200);
      const res = await addToCart(app, cartId, sku, 2);
      assert.equal(res.status, 409);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.type, '/problems/insufficient-stock');
      assert.equal(res.body.sku, sku);
      assert.equal(res.body.requested, 6);
      assert.equal(res.body.available, 5);
      assert.equal(res.body.inCart, 4);
      assert.equal(lineOf((await get(cartId)).body, sku)?.quantity, 4);
    });

    it('counts on hand minus reserved over every active warehouse, read at that moment', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 5);
      await stockInWarehouse(db, sku, 'TEST-CART-2', 4);
      await stockInWarehouse(db, sku, 'TEST-CART-OFF', 50, false);
      const cartId = await createCart(app);
      await addToCart(app, cartId, sku, 9).expect(200);
      const over = await addToCart(app, cartId, sku, 1);
      assert.equal(over.status, 409);
      assert.equal(over.body.available, 9, 'the inactive warehouse does not count');

      await reserveStock(db, sku, warehouseId, 3);
      const set = await request(app).patch(`/carts/${cartId}/lines/${sku}`).send({ quantity: 7 });
      assert.equal(set.status, 409);
      assert.deepEqual([set.body.requested, set.body.available], [7, 6]);
      assert.equal((await request(app).patch(`/carts/${cartId}/lines/${sku}`).send({ quantity: 6 })).status, 200);
    });

    it('refuses a line above 99 units with 422 cart-limit-exceeded', async () => {
      const { sku } = await createStockedSku(db, 500);
      const cartId = await createCart(app);
      await addToCart(app, cartId, sku, 99).expect(200);
      const res = await addToCart(app, cartId, sku, 1);
      assert.equal(res.status, 422);
      assert.equal(res.body.type, '/problems/cart-limit-exceeded');
      assert.deepEqual([res.body.limit, res.body.sku, res.body.requested, res.body.max], ['line-quantity', sku, 100, 99]);
    });

    it(`refuses a ${MAX_CART_LINES + 1}st line with 422 cart-limit-exceeded`, async () => {
      const skus = await Promise.all(Array.from({ length: MAX_CART_LINES + 1 }, () => createStockedSku(db, 3)));
      const cartId = await createCart(app);
      for (const { sku } of skus.slice(0, MAX_CART_LINES)) await addToCart(app, cartId, sku, 1).expect(200);
      const res = await addToCart(app, cartId, skus[MAX_CART_LINES]!.sku, 1);
      assert.equal(res.status, 422);
      assert.equal(res.body.limit, 'line-count');
      assert.equal(res.body.max, MAX_CART_LINES);
      const cart = (await get(cartId)).body;
      assert.equal(cart.lineCount, MAX_CART_LINES);
      assert.equal((await addToCart(app, cartId, skus[0]!.sku, 1)).status, 200, 'an existing line may still grow');
    });

    it('keeps one currency per cart (422 cart-limit-exceeded, limit currency)', async () => {
      const usd = await createStockedSku(db, 5);
      const eur = await createStockedSku(db, 5);
      await db.updateTable('product_variants').set({ currency: 'EUR' }).where('sku', '=', eur.sku).execute();
      const cartId = await createCart(app);
      await addToCart(app, cartId, usd.sku, 1).expect(200);
      const res = await addToCart(app, cartId, eur.sku, 1);
      assert.equal(res.status, 422);
      assert.deepEqual([res.body.limit, res.body.cartCurrency, res.body.lineCurrency], ['currency', 'USD', 'EUR']);
    });
  });

  describe('totals', () => {
    let cartId: string;
    before(async () => {
      const shirt = await createStockedSku(db, 10, 2500);
      const socks = await createStockedSku(db, 10, 1999);
      await db.updateTable('product_variants').set({ weight_grams: 300 }).where('sku', '=', socks.sku).execute();
      cartId = await createCart(app);
      await addToCart(app, cartId, shirt.sku, 2).expect(200);
      await addToCart(app, cartId, socks.sku, 1).expect(200);
    });

    it('defaults to the currency’s home market at standard speed: US, no region, so no sales tax', async () => {
      const res = await get(cartId);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.destination, { country: 'US', speed: 'standard' });
      assert.equal(res.body.units, 3);
      // 2 x 500 g (no weight in the catalog) + 300 g = 1.3 kg: one kilogram above the first
      assert.deepEqual(res.body.totals, {
        subtotal: { amount: 6999, currency: 'USD' },
        tax: { amount: { amount: 0, currency: 'USD' }, basisPoints: 0, jurisdiction: 'US', shippingTaxable: false },
        shipping: { amount: { amount: 699, currency: 'USD' }, speed: 'standard', zone: 'US', days: { min: 3, max: 5 } },
        total: { amount: 7698, currency: 'USD' },
      });
      assert.deepEqual(
        res.body.lines.map((l: { lineTotal: { amount: number } }) => l.lineTotal.amount),
        [5000, 1999],
      );
    });

    it('estimates for a destination given in the query, tax per line rounded half-even', async () => {
      const ca = await get(cartId, undefined, '?country=US&region=CA&speed=express');
      // 7.25% of 50.00 = 3.625 -> 3.62, of 19.99 = 1.449 -> 1.45; shipping is not taxed in the US estimate
      assert.deepEqual(ca.body.totals.tax, { amount: { amount: 507, currency: 'USD' }, basisPoints: 725, jurisdiction: 'US-CA', shippingTaxable: false });
      assert.deepEqual(ca.body.totals.shipping.amount, { amount: 1699, currency: 'USD' });
      assert.deepEqual(ca.body.totals.total, { amount: 6999 + 507 + 1699, currency: 'USD' });

      const de = await get(cartId, undefined, '?country=DE');
      // Europe standard in USD: 19.99 + 4.00; 19% VAT on 50.00, 19.99 and the 23.99 shipping: 9.50 + 3.80 + 4.56
      assert.deepEqual(de.body.totals.shipping.amount, { amount: 2399, currency: 'USD' });
      assert.deepEqual(de.body.totals.tax.amount, { amount: 950 + 380 + 456, currency: 'USD' });
      assert.deepEqual(de.body.totals.total, { amount: 6999 + 1786 + 2399, currency: 'USD' });
    });

    it('refuses a bad destination with 400', async () => {
      for (const query of ['?country=us', '?region=CA', '?country=US&speed=teleport', '?country=US&zip=12345', '?country=US&country=DE']) {
        const res = await get(cartId, undefined, query);
        assert.equal(res.status, 400, query);
        assert.equal(res.body.type, '/problems/validation-failed');
      }
    });
  });

  describe('access', () => {
    it("lets only the owner's customer token reach a customer cart; everyone else gets 404", async () => {
      const owner = await customer();
      const other = await customer();
      const { sku } = await createStockedSku(db, 10);
      const cartId = await createCart(app, owner.auth);
      await addToCart(app, cartId, sku, 1, owner.auth).expect(200);
      const before = await cartHash(redis, cartId);

      const strangers = [other.auth, await testApp.bearer('support'), await testApp.bearer('admin'), undefined];
      for (const auth of strangers) {
        const attempts = [
          get(cartId, auth),
          addToCart(app, cartId, sku, 1, auth),
          request(app).patch(`/carts/${cartId}/lines/${sku}`).send({ quantity: 3 }),
          request(app).delete(`/carts/${cartId}/lines/${sku}`),
          request(app).delete(`/carts/${cartId}/lines`),
        ].map((req, i) => (auth && i > 1 ? req.set('Authorization', auth) : req));
        for (const res of await Promise.all(attempts)) {
          assert.equal(res.status, 404, `${auth?.slice(0, 20)}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.type, '/problems/not-found');
        }
      }
      assert.deepEqual(await cartHash(redis, cartId), before, 'nothing changed');
      assert.equal((await get(cartId, owner.auth)).status, 200);
    });

    it('lets anyone with the id reach an anonymous cart, with or without a token', async () => {
      const { sku } = await createStockedSku(db, 10);
      const cartId = await createCart(app);
      const { auth } = await customer();
      assert.equal((await addToCart(app, cartId, sku, 1, auth)).status, 200);
      assert.equal((await addToCart(app, cartId, sku, 1)).status, 200);
      assert.equal(lineOf((await get(cartId, await testApp.bearer('support'))).body, sku)?.quantity, 2);
    });

    it('answers an unknown cart with a 404 problem, and a tampered token with 401', async () => {
      const res = await get('AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(res.status, 404);
      assert.equal(res.body.type, '/problems/not-found');
      assert.equal((await addToCart(app, 'AAAAAAAAAAAAAAAAAAAAAA', 'X-1', 1)).status, 404);
      const valid = await testApp.bearer('customer');
      const [header, , signature] = valid.split('.');
      const tampered = await get(await createCart(app), `${header}.e30.${signature}`);
      assert.equal(tampered.status, 401);
    });
  });

  describe('expiry', () => {
    it('refreshes the TTL on every write and read-for-write, not on a plain read', async () => {
      const { sku } = await createStockedSku(db, 3);
      const { sub, auth } = await customer();
      const cartId = await createCart(app, auth);
      const shorten = async () => {
        await redis.expire(cartKeys.cart(cartId), 100);
        await redis.expire(cartKeys.owner(sub), 100);
      };
      const assertFresh = async (what: string) => {
        for (const key of [cartKeys.cart(cartId), cartKeys.owner(sub)]) {
          const ttl = await redis.ttl(key);
          assert.ok(ttl > CART_TTL_SECONDS - 60, `${what}: ${key} ttl ${ttl}`);
        }
      };

      await shorten();
      await get(cartId, auth).expect(200);
      assert.ok((await cartTtl(redis, cartId)) <= 100, 'a plain read leaves the TTL alone');

      await addToCart(app, cartId, sku, 1, auth).expect(200);
      await assertFresh('add');

      await shorten();
      await addToCart(app, cartId, sku, 5, auth).expect(409);
      await assertFresh('refused add (read for write)');

      await shorten();
      await request(app).patch(`/carts/${cartId}/lines/${sku}`).set('Authorization', auth).send({ quantity: 2 }).expect(200);
      await assertFresh('set');

      await shorten();
      await request(app).delete(`/carts/${cartId}/lines`).set('Authorization', auth).expect(200);
      await assertFresh('clear');

      await shorten();
      await request(app).post('/carts').set('Authorization', auth).expect(200);
      await assertFresh('POST /carts returning the existing cart');
    });

    it('starts a new customer cart when the old one expired', async () => {
      const { sub, auth } = await customer();
      const first = await createCart(app, auth);
      await redis.del(cartKeys.cart(first));
      const res = await request(app).post('/carts').set('Authorization', auth);
      assert.equal(res.status, 201);
      assert.notEqual(res.body.id, first);
      assert.equal(await redis.get(cartKeys.owner(sub)), res.body.id);
    });
  });

  describe('concurrency on one cart', () => {
    it('20 concurrent adds of one unit with 10 available: exactly 10 succeed, the line holds 10', async () => {
      const { sku } = await createStockedSku(db, 10);
      const cartId = await createCart(app);
      const responses = await Promise.all(Array.from({ length: 20 }, () => addToCart(app, cartId, sku, 1)));
      const statuses = responses.map((res) => res.status).sort();
      assert.deepEqual(statuses, [...Array<number>(10).fill(200), ...Array<number>(10).fill(409)], JSON.stringify(responses.map((r) => r.body)));
      assert.equal(lineOf((await get(cartId)).body, sku)?.quantity, 10);
    });

    it('20 concurrent adds with plenty of stock lose no update', async () => {
      const { sku } = await createStockedSku(db, 1000);
      const cartId = await createCart(app);
      const responses = await Promise.all(Array.from({ length: 20 }, () => addToCart(app, cartId, sku, 3)));
      assert.ok(responses.every((res) => res.status === 200));
      assert.equal(lineOf((await get(cartId)).body, sku)?.quantity, 60);
    });

    it('20 concurrent adds of 10 never pass the 99-unit bound', async () => {
      const { sku } = await createStockedSku(db, 1000);
      const cartId = await createCart(app);
      const responses = await Promise.all(Array.from({ length: 20 }, () => addToCart(app, cartId, sku, 10)));
      assert.equal(responses.filter((res) => res.status === 200).length, 9);
      assert.ok(responses.filter((res) => res.status !== 200).every((res) => res.status === 422));
      assert.equal(lineOf((await get(cartId)).body, sku)?.quantity, 90);
    });

    it('20 concurrent adds of different SKUs keep every line', async () => {
      const skus = await Promise.all(Array.from({ length: 20 }, () => createStockedSku(db, 5)));
      const cartId = await createCart(app);
      const responses = await Promise.all(skus.map(({ sku }) => addToCart(app, cartId, sku, 2)));
      assert.ok(responses.every((res) => res.status === 200));
      const cart = (await get(cartId)).body;
      assert.equal(cart.lineCount, 20);
      assert.equal(cart.units, 40);
    });
  });

  describe('merge at sign-in', () => {
    const merge = (cartId: string, auth?: string) => {
      const req = request(app).post(`/carts/${cartId}/merge`);
      return auth ? req.set('Authorization', auth) : req;
    };

    it("adds quantities capped by stock, keeps the customer's price for a shared SKU, and deletes the anonymous cart", async () => {
      const shared = await createStockedSku(db, 10, 2000);
      const scarce = await createStockedSku(db, 2, 1500);
      const { sub, auth } = await customer();
      const customerCart = await createCart(app, auth);
      await addToCart(app, customerCart, shared.sku, 1, auth).expect(200);
      await db.updateTable('product_variants').set({ price_amount: 2600 }).where('sku', '=', shared.sku).execute();
      const anonymous = await createCart(app);
      await addToCart(app, anonymous, shared.sku, 2).expect(200);
      await addToCart(app, anonymous, scarce.sku, 2).expect(200);
      await reserveStock(db, scarce.sku, scarce.warehouseId, 1);

      const res = await merge(anonymous, auth);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.id, customerCart);
      assert.equal(res.body.owner, 'customer');
      assert.deepEqual(
        res.body.lines.map((l: { sku: string; quantity: number; unitPrice: { amount: number } }) => [l.sku, l.quantity, l.unitPrice.amount]),
        [
          [shared.sku, 3, 2000],
          [scarce.sku, 1, 1500],
        ],
      );
      assert.deepEqual(res.body.merge, {
        sourceCartId: anonymous,
        replayed: false,
        lines: [
          { sku: shared.sku, requested: 2, added: 2, quantity: 3, limitedBy: null },
          { sku: scarce.sku, requested: 2, added: 1, quantity: 1, limitedBy: 'stock' },
        ],
      });
      assert.equal(await redis.exists(cartKeys.cart(anonymous)), 0);
      assert.equal((await get(anonymous)).status, 404);
      assert.equal((await cartTtl(redis, customerCart)) > CART_TTL_SECONDS - 60, true);
      assert.equal(await redis.get(cartKeys.owner(sub)), customerCart);

      const again = await merge(anonymous, auth);
      assert.equal(again.status, 200, 'a repeated merge is harmless');
      assert.equal(again.body.id, customerCart);
      assert.equal(again.body.merge.replayed, true);
      assert.deepEqual(again.body.merge.lines, []);
      assert.equal(lineOf(again.body, shared.sku)?.quantity, 3);

      const stranger = await customer();
      assert.equal((await merge(anonymous, stranger.auth)).status, 404, 'the replay answer is only for the customer who merged');
    });

    it("creates the customer's cart when they have none; it is then their one active cart", async () => {
      const { sku } = await createStockedSku(db, 10);
      const anonymous = await createCart(app);
      await addToCart(app, anonymous, sku, 4).expect(200);
      const { auth } = await customer();
      const res = await merge(anonymous, auth);
      assert.equal(res.status, 200);
      assert.notEqual(res.body.id, anonymous);
      assert.equal(lineOf(res.body, sku)?.quantity, 4);
      const mine = await request(app).post('/carts').set('Authorization', auth);
      assert.equal(mine.status, 200);
      assert.equal(mine.body.id, res.body.id);
    });

    it('caps a merged line at 99 units', async () => {
      const { sku } = await createStockedSku(db, 500);
      const { auth } = await customer();
      const mine = await createCart(app, auth);
      await addToCart(app, mine, sku, 98, auth).expect(200);
      const anonymous = await createCart(app);
      await addToCart(app, anonymous, sku, 5).expect(200);
      const res = await merge(anonymous, auth);
      assert.deepEqual(res.body.merge.lines, [{ sku, requested: 5, added: 1, quantity: 99, limitedBy: 'line-quantity' }]);
    });

    it("refuses another customer's cart (404) and leaves it alone; merging your own cart changes nothing", async () => {
      const { sku } = await createStockedSku(db, 10);
      const owner = await customer();
      const theirs = await createCart(app, owner.auth);
      await addToCart(app, theirs, sku, 2, owner.auth).expect(200);
      const before = await cartHash(redis, theirs);
      const thief = await customer();
      const res = await merge(theirs, thief.auth);
      assert.equal(res.status, 404);
      assert.equal(res.body.type, '/problems/not-found');
      assert.deepEqual(await cartHash(redis, theirs), before);

      const own = await merge(theirs, owner.auth);
      assert.equal(own.status, 200);
      assert.equal(own.body.id, theirs);
      assert.deepEqual(own.body.merge.lines, []);
      assert.equal(lineOf(own.body, sku)?.quantity, 2);
    });

    it('needs a customer token (401 without, 403 for staff) and answers an unknown cart with 404', async () => {
      const anonymous = await createCart(app);
      assert.equal((await merge(anonymous)).status, 401);
      assert.equal((await merge(anonymous, await testApp.bearer('support'))).status, 403);
      assert.equal((await merge('AAAAAAAAAAAAAAAAAAAAAA', (await customer()).auth)).status, 404);
      assert.equal(await redis.exists(cartKeys.cart(anonymous)), 1);
    });

    it('merges once when the same merge is sent concurrently', async () => {
      const { sku } = await createStockedSku(db, 50);
      const anonymous = await createCart(app);
      await addToCart(app, anonymous, sku, 3).expect(200);
      const { auth } = await customer();
      const mine = await createCart(app, auth);
      await addToCart(app, mine, sku, 1, auth).expect(200);
      const responses = await Promise.all(Array.from({ length: 8 }, () => merge(anonymous, auth)));
      assert.ok(responses.every((res) => res.status === 200));
      assert.equal(responses.filter((res) => res.body.merge.replayed === false).length, 1);
      assert.equal(lineOf((await get(mine, auth)).body, sku)?.quantity, 4);
    });
  });

  describe('Redis down', () => {
    it('answers 503 service-unavailable with Retry-After, and no 500', async () => {
      const deadRedis = createRedis({ url: 'redis://127.0.0.1:9' });
      deadRedis.on('error', () => undefined);
      const down = createTestApp({ redis: deadRedis });
      try {
        const { auth } = await customer();
        const attempts = [
          request(down.app).post('/carts'),
          request(down.app).post('/carts').set('Authorization', auth),
          request(down.app).get('/carts/AAAAAAAAAAAAAAAAAAAAAA'),
          request(down.app).post('/carts/AAAAAAAAAAAAAAAAAAAAAA/lines').send({ sku: 'X-1', quantity: 1 }),
          request(down.app).patch('/carts/AAAAAAAAAAAAAAAAAAAAAA/lines/X-1').send({ quantity: 1 }),
          request(down.app).delete('/carts/AAAAAAAAAAAAAAAAAAAAAA/lines'),
          request(down.app).post('/carts/AAAAAAAAAAAAAAAAAAAAAA/merge').set('Authorization', auth),
        ];
        for (const res of await Promise.all(attempts)) {
          assert.equal(res.status, 503, JSON.stringify(res.body));
          assert.equal(res.body.type, '/problems/service-unavailable');
          assert.match(res.headers['retry-after']!, /^\d+$/);
        }
      } finally {
        deadRedis.disconnect();
        await down.close();
      }
    });
  });

  it('documents the cart routes in the OpenAPI document, with a strict line body', async () => {
    const spec = (await request(app).get('/openapi.json')).body;
    for (const [path, method] of [
      ['/carts', 'post'],
      ['/carts/{cartId}', 'get'],
      ['/carts/{cartId}/lines', 'post'],
      ['/carts/{cartId}/lines', 'delete'],
      ['/carts/{cartId}/lines/{sku}', 'patch'],
      ['/carts/{cartId}/lines/{sku}', 'delete'],
      ['/carts/{cartId}/merge', 'post'],
    ] as const) {
      assert.ok(spec.paths[path]?.[method], `${method} ${path}`);
    }
    const body = spec.paths['/carts/{cartId}/lines'].post.requestBody.content['application/json'].schema;
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(Object.keys(body.properties).sort(), ['quantity', 'sku']);
    assert.equal(body.properties.quantity.maximum, 99);
    assert.deepEqual(spec.paths['/carts/{cartId}/merge'].post.security, [{ bearer: [] }]);
    const parameters = spec.paths['/carts/{cartId}'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    assert.deepEqual(parameters, ['path:cartId', 'query:country', 'query:region', 'query:speed']);
  });
});
