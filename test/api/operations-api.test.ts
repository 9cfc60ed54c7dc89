import assert from 'node:assert/strict';
import request from 'supertest';
import { refusalCodes } from '../../domain/order-state';
import { Problem } from '../../api/http/problem';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { redisReady } from '../../platform/create-redis';
import { createTestApp, type TestApp } from '../support/test-app';

describe('health, readiness and docs', () => {
  let t: TestApp;
  // As api/main.ts: the app serves once Redis is connected (commands fail fast before that).
  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
  });
  after(() => t.close());

  it('GET /health answers without touching dependencies, and echoes a request id', async () => {
    const res = await request(t.app).get('/health').set('X-Request-Id', 'req-123');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(res.headers['x-request-id'], 'req-123');
  });

  it("GET /ready reports each dependency's state and latency", async () => {
    const res = await request(t.app).get('/ready');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'ready');
    for (const name of ['postgres', 'redis', 'elasticsearch', 'temporal']) {
      assert.equal(res.body.dependencies[name].status, 'up', name);
      assert.equal(typeof res.body.dependencies[name].latencyMs, 'number');
    }
  });

  it('GET /ready is 503 and names the dependency that is down', async () => {
    const deadEs = createElasticsearch({ url: 'http://127.0.0.1:9' });
    const degraded = createTestApp({ es: deadEs });
    const res = await request(degraded.app).get('/ready');
    await degraded.close();
    await deadEs.close();
    assert.equal(res.status, 503);
    assert.equal(res.body.dependencies.elasticsearch.status, 'down');
    assert.ok(res.body.dependencies.elasticsearch.error);
    assert.equal(res.body.dependencies.postgres.status, 'up');
  });

  it('serves an OpenAPI 3.1 document generated from the validating schemas, and a docs page', async () => {
    const spec = await request(t.app).get('/openapi.json');
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, '3.1.0');
    const post = spec.body.paths['/admin/inventory/receipts'].post;
    assert.deepEqual(post.security, [{ bearer: [] }]);
    const schema = post.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required.sort(), ['lines', 'receiptId', 'warehouseCode']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(spec.body.paths['/admin/inventory/receipts/{receiptId}'].get.parameters.some((p: { name: string }) => p.name === 'receiptId'));

    const docs = await request(t.app).get('/docs');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui-bundle\.js/);
    const asset = await request(t.app).get('/docs/assets/swagger-ui-bundle.js');
    assert.equal(asset.status, 200);
  });

  it('documents on every route what the router answers before the handler, and the headers a route reads (found by the API fuzz)', async () => {
    const spec = await request(t.app).get('/openapi.json');
    const problems = (path: string, method: string, status: number): string[] =>
      spec.body.paths[path][method].responses[String(status)].content['application/problem+json'].schema.properties.type.enum;
    // A body that is JSON but not an object ("AAA") is a malformed-json 400 on checkout too.
    assert.ok(problems('/checkout', 'post', 400).includes('/problems/malformed-json'));
    assert.ok(problems('/checkout', 'post', 400).includes('/problems/idempotency-key-missing'));
    assert.deepEqual(problems('/checkout', 'post', 415), ['/problems/unsupported-media-type']);
    assert.deepEqual(problems('/support/orders/{orderId}', 'get', 401), ['/problems/unauthorized']);
    assert.deepEqual(problems('/support/orders/{orderId}', 'get', 403), ['/problems/forbidden']);
    assert.ok(problems('/support/orders/{orderId}', 'get', 400).includes('/problems/malformed-path'));
    const key = spec.body.paths['/checkout'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    assert.deepEqual({ in: key.in, required: key.required }, { in: 'header', required: true });

    const notJson = await request(t.app).post('/checkout').set('Authorization', await t.bearer('customer')).set('Content-Type', 'application/json').send('"AAA"');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.type, '/problems/malformed-json');
  });

  it("keeps RFC 9457's members when a problem's extensions use the same names (found by the API fuzz)", () => {
    const body = new Problem('order-final', 'the order is cancelled', { status: 'cancelled', type: 'x' }).toJSON();
    assert.equal(body.status, 409);
    assert.equal(body.type, '/problems/order-final');
  });

  it('describes each problem type at its type URI, and answers unknown routes with a 404 problem', async () => {
    const type = await request(t.app).get('/problems/validation-failed');
    assert.deepEqual({ ...type.body, explanation: typeof type.body.explanation }, { type: '/problems/validation-failed', status: 400, title: 'The request is not valid', explanation: 'string' });
    assert.match(type.body.explanation, /errors.*member lists each fault/);
    // A person following the link in a browser gets a page that says the same in words.
    const page = await request(t.app).get('/problems/out-of-stock').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type']!, /text\/html/);
    assert.match(page.text, /<h1>Not enough stock for some lines; nothing was charged<\/h1>/);
    assert.match(page.text, /<code>details\.lines<\/code>/);
    const missing = await request(t.app).get('/no-such-route');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.type, '/problems/not-found');
    assert.ok(missing.body.requestId);
  });

  it('lists every reason an order refuses a request as a 409 problem type of its own, documented and resolvable', async () => {
    const spec = await request(t.app).get('/openapi.json');
    const documented = (path: string, method: string): string[] =>
      spec.body.paths[path][method].responses['409'].content['application/problem+json'].schema.properties.type.enum;
    const refusable: [string, string][] = [
      ['/support/orders/{orderId}/approve-risk', 'post'],
      ['/support/orders/{orderId}/shipping-address', 'put'],
      ['/orders/{orderId}/cancel', 'post'],
    ];
    for (const [path, method] of refusable) {
      assert.deepEqual(documented(path, method), refusalCodes.map((code) => `/problems/${code}`), `${method} ${path}`);
    }
    for (const code of refusalCodes) {
      const page = await request(t.app).get(`/problems/${code}`);
      assert.equal(page.status, 200, code);
      assert.equal(page.body.status, 409, code);
      assert.ok(page.body.title.length > 10, code);
      assert.ok(page.body.explanation.length > 40, code);
    }
    assert.equal((await request(t.app).get('/problems/order-action-refused')).status, 404);
  });
});
