import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';
import { redisReady } from '../../platform/create-redis';

/** Budgets small enough to spend in a test; every caller is new, so no other suite's requests count. */
const budgets = { checkout: 2, webhooks: 3, 'support-actions': 2 };

describe('rate limits: POST /checkout, the webhooks and support actions (real Redis store)', () => {
  let t: TestApp;

  before(async () => {
    t = createTestApp({ config: { ...testConfig(), rateLimits: budgets } });
    // Until its client is connected the app counts in memory (the fallback): these tests are about Redis.
    assert.ok(await redisReady(t.deps.redis), 'Redis is ready');
  });
  after(() => t.close());

  const assertRateLimited = (res: request.Response, budget: number) => {
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.body.type, '/problems/rate-limited');
    assert.equal(res.body.limit, budget);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`);
  };

  it('refuses a customer past their checkout budget with 429 problem+json and Retry-After, and leaves other customers alone', async () => {
    const [greedy, other] = await Promise.all([t.bearer('customer', `greedy-${randomUUID()}`), t.bearer('customer', `other-${randomUUID()}`)]);
    // An empty body is refused by validation, and still spends the budget: a refused request is a request.
    const checkout = (bearer: string) => request(t.app).post('/checkout').set('Authorization', bearer).set('Idempotency-Key', randomUUID()).send({});
    for (let i = 0; i < budgets.checkout; i++) {
      const res = await checkout(greedy);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(String(res.headers.ratelimit), new RegExp(`^limit=2, remaining=${budgets.checkout - 1 - i}, reset=\\d+$`));
    }
    assertRateLimited(await checkout(greedy), budgets.checkout);
    assert.equal((await checkout(other)).status, 400, 'another customer has a budget of their own');
  });

  it('refuses a support agent past their budget of order actions, whatever the order', async () => {
    const agent = await t.bearer('support', `agent-${randomUUID()}`);
    const hold = () => request(t.app).post(`/support/orders/${randomUUID()}/hold`).set('Authorization', agent).send({ reason: 'customer called' });
    for (let i = 0; i < budgets['support-actions']; i++) assert.equal((await hold()).status, 404);
    assertRateLimited(await hold(), budgets['support-actions']);
    const reads = await request(t.app).get('/support/orders').set('Authorization', agent);
    assert.equal(reads.status, 200, 'reading is not limited');
  });

  it('limits webhook senders by address, before the signature is even checked', async () => {
    // Every earlier request from this address in the minute counts too, so the refusal comes at the budget's end at the latest.
    const statuses: number[] = [];
    for (let i = 0; i <= budgets.webhooks && !statuses.includes(429); i++) {
      statuses.push((await request(t.app).post('/webhooks/carrier').set('Content-Type', 'application/json').send('{}')).status);
    }
    assert.equal(statuses.at(-1), 429, `statuses ${statuses.join(',')}`);
    assert.ok(statuses.slice(0, -1).every((s) => s === 400), `refused as unsigned until the budget ran out: ${statuses.join(',')}`);
  });

  it('documents the 429 on every limited route of the OpenAPI document', async () => {
    const { body: doc } = await request(t.app).get('/openapi.json');
    const limited = [['/checkout', 'post'], ['/webhooks/stripe', 'post'], ['/webhooks/carrier', 'post'], ['/support/orders/{orderId}/hold', 'post'], ['/support/orders/{orderId}/shipping-address', 'put']] as const;
    for (const [path, method] of limited) {
      assert.ok(doc.paths[path]?.[method]?.responses?.['429'], `${method.toUpperCase()} ${path} documents 429`);
    }
    assert.equal(doc.paths['/support/orders']?.get?.responses?.['429'], undefined, 'reads are not limited');
  });
});
