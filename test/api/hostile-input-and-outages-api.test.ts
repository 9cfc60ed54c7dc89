import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { createHttpServer } from '../../api/http/http-server';
import { createDb } from '../../db/create-db';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { redisReady } from '../../platform/create-redis';
import { createStockedSku, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

/** What a client sees when it sends odd bytes, or when a dependency is away: a typed problem, never a 500. */
describe('hostile input and dependency outages (real PostgreSQL, Redis, Elasticsearch)', () => {
  let t: TestApp;
  let admin: string;
  let support: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    [admin, support] = await Promise.all([t.bearer('admin', 'admin-1'), t.bearer('support', 'agent-1')]);
  });
  after(() => t.close());

  describe('control characters in any text field are a 400 naming the field, and nothing is written', () => {
    it('in a body (a product name), a nested body field (an address line) and a support reason', async () => {
      const slug = uniqueId('seller').toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const seller = await request(t.app).post('/admin/sellers').set('Authorization', admin).send({ slug, name: 'Acme\u0000Lamps', country: 'US' });
      assert.equal(seller.status, 400, JSON.stringify(seller.body));
      assert.equal(seller.body.type, '/problems/validation-failed');
      assert.deepEqual(seller.body.errors.map((e: { in: string; path: string; code: string }) => `${e.in}:${e.path}:${e.code}`), ['body:name:control-character']);
      assert.equal(await t.deps.db.selectFrom('sellers').select('id').where('slug', '=', slug).executeTakeFirst(), undefined);
      // The same body without the NUL is accepted: the NUL was the only fault.
      assert.equal((await request(t.app).post('/admin/sellers').set('Authorization', admin).send({ slug, name: 'Acme Lamps', country: 'US' })).status, 201);

      const reason = await request(t.app).post(`/support/orders/${'0'.repeat(8)}-0000-4000-8000-000000000000/hold`).set('Authorization', support).send({ reason: 'wait\u0007please' });
      assert.equal(reason.status, 400);
      assert.deepEqual(reason.body.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`), ['body:reason']);

      const cart = await request(t.app).get(`/carts/${'a'.repeat(22)}`).query({ country: 'U\u0001S' });
      assert.equal(cart.status, 400, JSON.stringify(cart.body));
      assert.ok(cart.body.errors.some((e: { in: string }) => e.in === 'query'));
    });

    it('keeps line breaks and tabs where people write prose', async () => {
      const res = await request(t.app).post(`/support/orders/00000000-0000-4000-8000-000000000000/hold`).set('Authorization', support).send({ reason: 'line one\n\tline two' });
      assert.equal(res.status, 404, JSON.stringify(res.body));
    });
  });

  it('a path that is not valid percent-encoding is a 400 problem, not a 500', async () => {
    for (const path of ['/carts/%E0%A4%A', '/products/%E0%A4%A', '/support/orders/%ZZ']) {
      const res = await request(t.app).get(path).set('Authorization', support);
      assert.equal(res.status, 400, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, '/problems/malformed-path', path);
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
    }
  });

  it('an unknown order status in a search is a 400, not an empty list', async () => {
    const res = await request(t.app).get('/support/orders').query({ status: 'bogus' }).set('Authorization', support);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].path, 'status');
  });

  it('headers or a URL too large for the server get a problem+json 431', async () => {
    const server = createHttpServer(t.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const { status, type, body } = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: `/products?q=${'x'.repeat(100_000)}` }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 431);
      assert.match(type, /application\/problem\+json/);
      assert.equal(JSON.parse(body).type, '/problems/request-too-large');
    } finally {
      server.close();
    }
  });

  describe('a dependency that is away gives 503 with Retry-After; what does not need it keeps working', () => {
    it('PostgreSQL unreachable: a product page is 503 service-unavailable, search still answers', async () => {
      const deadDb = createDb({ url: 'postgres://app@127.0.0.1:9/nothing', connectionTimeoutMs: 1_000 });
      const dead = createTestApp({ db: deadDb });
      try {
        const res = await request(dead.app).get('/products/00000000-0000-4000-8000-000000000000');
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.type, '/problems/service-unavailable');
        assert.ok(Number(res.headers['retry-after']) > 0);
        const health = await request(dead.app).get('/health');
        assert.equal(health.status, 200);
      } finally {
        await dead.close();
      }
    });

    it('Elasticsearch unreachable: order search is 503 search-unavailable, as documented', async () => {
      const dead = createTestApp({ es: createElasticsearch({ url: 'http://127.0.0.1:9' }) });
      try {
        const res = await request(dead.app).get('/support/orders').query({ email: 'someone@example.com' }).set('Authorization', support);
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.type, '/problems/search-unavailable');
        assert.equal(res.headers['retry-after'], '5');
      } finally {
        await dead.close();
      }
    });

    it('PostgreSQL ending every connection of the pool (as a restart does) neither crashes the process nor fails the next request', async () => {
      const sku = await createStockedSku(t.deps.db, 3, 1500);
      const page = () => request(t.app).get(`/products/${sku.productId}`).set('Cache-Control', 'no-cache');
      assert.equal((await page()).status, 200);
      // Idle pooled connections are ended by the server: each emits 'error' on the pool, which must be handled.
      const admin = createDb({ url: testConfig().postgres.url, poolSize: 1 });
      try {
        const ended = await admin
          .selectFrom('pg_stat_activity' as never)
          .select((eb) => eb.fn<boolean>('pg_terminate_backend', [eb.ref('pid' as never)]).as('ended'))
          .where('application_name' as never, '=', 'api-test' as never)
          .execute();
        assert.ok(ended.length > 0, 'the app had pooled connections to end');
      } finally {
        await admin.destroy();
      }
      const again = await page();
      assert.equal(again.status, 200, JSON.stringify(again.body));
    });
  });
});
