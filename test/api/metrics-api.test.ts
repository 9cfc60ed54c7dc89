import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';

/** The value of one sample of the Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics (the API, PostgreSQL)', () => {
  let t: TestApp;
  const dedupeKey = `metrics-test/${randomUUID()}`;
  const failedKey = `metrics-test/${randomUUID()}`;
  before(() => {
    t = createTestApp();
  });
  after(async () => {
    await t.deps.db.deleteFrom('notifications').where('dedupe_key', 'in', [dedupeKey, failedKey]).execute();
    await t.close();
  });

  it('counts answers by route template and status class, never by the path a customer asked for', async () => {
    const productId = randomUUID();
    const before = await request(t.app).get('/metrics');
    const series = 'http_requests_total{method="GET",route="/products/:id",status_class="4xx"}';
    const counted = sample(before.text, series) ?? 0;

    assert.equal((await request(t.app).get(`/products/${productId}`)).status, 404);
    assert.equal((await request(t.app).get(`/products/${randomUUID()}`)).status, 404);
    const after = await request(t.app).get('/metrics');

    assert.equal(after.status, 200);
    assert.match(after.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(after.text, series), counted + 2);
    assert.ok(sample(after.text, 'http_request_duration_seconds_count{method="GET",route="/products/:id",status_class="4xx"}')! >= 2);
    assert.ok(!after.text.includes(productId), 'an id asked for never becomes a label');
  });

  it('counts a path no route knows as "unmatched"', async () => {
    const series = 'http_requests_total{method="GET",route="unmatched",status_class="4xx"}';
    const counted = sample((await request(t.app).get('/metrics')).text, series) ?? 0;
    const unknown = `/no-such-route/${randomUUID()}`;
    assert.equal((await request(t.app).get(unknown)).status, 404);
    const after = await request(t.app).get('/metrics');
    assert.equal(sample(after.text, series), counted + 1);
    assert.ok(!after.text.includes(unknown));
  });

  it('counts the support console\'s page and files under route templates, not as "unmatched" or one label per file', async () => {
    const series = (route: string, statusClass = '2xx') => `http_requests_total{method="GET",route="${route}",status_class="${statusClass}"}`;
    const wanted = [series('/console'), series('/console/assets/*'), series('/console/vendor/*'), series('/console/assets/*', '4xx')];
    const counted = async () => {
      const text = (await request(t.app).get('/metrics')).text;
      return { text, values: wanted.map((s) => sample(text, s) ?? 0), unmatched: sample(text, series('unmatched', '4xx')) ?? 0 };
    };
    const before = await counted();

    assert.equal((await request(t.app).get('/console')).status, 200);
    assert.equal((await request(t.app).get('/console/')).status, 200);
    assert.equal((await request(t.app).get('/console/assets/main.js')).status, 200);
    assert.equal((await request(t.app).get('/console/assets/console.css')).status, 200);
    assert.equal((await request(t.app).get('/console/vendor/preact/preact.module.js')).status, 200);
    assert.equal((await request(t.app).get('/console/vendor/preact-hooks.js')).status, 200);
    const missing = `/console/assets/no-such-${randomUUID()}.js`;
    assert.equal((await request(t.app).get(missing)).status, 404);

    const after = await counted();
    assert.deepEqual(
      after.values.map((value, i) => value - before.values[i]!),
      [2, 2, 2, 1],
    );
    assert.equal(after.unmatched, before.unmatched, 'nothing under /console is unmatched');
    assert.ok(!after.text.includes('main.js') && !after.text.includes(missing), 'no file name becomes a label');
  });

  it('reports the outbox lag from the oldest pending notification, and the search index lag', async () => {
    await t.deps.db
      .insertInto('notifications')
      .values({
        recipient: 'ops-metrics@example.com',
        template: 'order-confirmed',
        dedupe_key: dedupeKey,
        order_id: null,
        last_error: null,
        provider_message_id: null,
        sent_at: null,
        created_at: sql<Date>`now() - interval '1 hour'`,
        updated_at: sql<Date>`now()`,
      })
      .execute();

    const res = await request(t.app).get('/metrics');
    assert.equal(res.status, 200);
    const lag = sample(res.text, 'notification_outbox_lag_seconds');
    assert.ok(lag !== undefined && lag >= 3600, `outbox lag ${lag}`);
    assert.ok(sample(res.text, 'notification_outbox_pending')! >= 1);
    const failedBefore = sample(res.text, 'notification_outbox_failed')!;
    await t.deps.db.insertInto('notifications').values({ recipient: 'ops-metrics@example.com', template: 'order-confirmed', dedupe_key: failedKey, status: 'failed', attempts: 8 }).execute();
    assert.equal(sample((await request(t.app).get('/metrics')).text, 'notification_outbox_failed'), failedBefore + 1);
    for (const index of ['products', 'orders']) {
      const behind = sample(res.text, `search_index_lag_documents{index="${index}"}`);
      assert.ok(behind !== undefined && behind >= 0, `${index} lag ${behind}`);
    }
    assert.doesNotMatch(res.text, /ops-metrics@example\.com/);
  });
});
