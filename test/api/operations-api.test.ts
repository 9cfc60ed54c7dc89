import assert from 'node:assert/strict';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { createApp } from '../../api/create-app';
import type { Database } from '../../db/database';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis } from '../../platform/create-redis';
import { createLogger } from '../../platform/logger';
import { createTestDb } from '../support/db-fixtures';
import { testConfig, testIndices, testStack } from '../support/test-stack';

describe('health, readiness and docs', () => {
  const config = testConfig();
  let db: Kysely<Database>;
  let es: Elasticsearch;
  let redis: Redis;
  let app: Express;
  const logger = createLogger({ serviceName: 'api-test', level: 'silent' });

  before(() => {
    db = createTestDb();
    es = createElasticsearch(config.elasticsearch);
    redis = createRedis(config.redis);
    app = createApp({ config, logger, db, redis, es, temporal: testStack().temporal.client, indices: testIndices() });
  });
  after(() => Promise.all([db.destroy(), es.close(), redis.quit()]));

  it('GET /health answers without touching dependencies, and echoes a request id', async () => {
    const res = await request(app).get('/health').set('X-Request-Id', 'req-123');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(res.headers['x-request-id'], 'req-123');
  });

  it("GET /ready reports each dependency's state and latency", async () => {
    const res = await request(app).get('/ready');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'ready');
    for (const name of ['postgres', 'redis', 'elasticsearch', 'temporal']) {
      assert.equal(res.body.dependencies[name].status, 'up', name);
      assert.equal(typeof res.body.dependencies[name].latencyMs, 'number');
    }
  });

  it('GET /ready is 503 and names the dependency that is down', async () => {
    const deadEs = createElasticsearch({ url: 'http://127.0.0.1:9' });
    const degraded = createApp({ config, logger, db, redis, es: deadEs, temporal: testStack().temporal.client, indices: testIndices() });
    const res = await request(degraded).get('/ready');
    await deadEs.close();
    assert.equal(res.status, 503);
    assert.equal(res.body.dependencies.elasticsearch.status, 'down');
    assert.ok(res.body.dependencies.elasticsearch.error);
    assert.equal(res.body.dependencies.postgres.status, 'up');
  });

  it('serves an OpenAPI 3.1 document generated from the validating schemas, and a docs page', async () => {
    const spec = await request(app).get('/openapi.json');
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, '3.1.0');
    const post = spec.body.paths['/admin/inventory/receipts'].post;
    assert.deepEqual(post.security, [{ bearer: [] }]);
    const schema = post.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required.sort(), ['lines', 'receiptId', 'warehouseCode']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(spec.body.paths['/admin/inventory/receipts/{receiptId}'].get.parameters.some((p: { name: string }) => p.name === 'receiptId'));

    const docs = await request(app).get('/docs');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui-bundle\.js/);
    const asset = await request(app).get('/docs/assets/swagger-ui-bundle.js');
    assert.equal(asset.status, 200);
  });

  it('describes each problem type at its type URI, and answers unknown routes with a 404 problem', async () => {
    const type = await request(app).get('/problems/validation-failed');
    assert.deepEqual(type.body, { type: '/problems/validation-failed', status: 400, title: 'The request is not valid' });
    const missing = await request(app).get('/no-such-route');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.type, '/problems/not-found');
    assert.ok(missing.body.requestId);
  });
});
