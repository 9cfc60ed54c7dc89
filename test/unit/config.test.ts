import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../platform/config';

const valid = {
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/app',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  STRIPE_API_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_123',
  JWT_SECRET: 'x'.repeat(32),
};

describe('config', () => {
  it('parses a valid environment with defaults', () => {
    const config = loadConfig(valid);
    assert.equal(config.api.port, 3000);
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.postgres.url, valid.DATABASE_URL);
  });

  it('takes the low-stock alert settings, with defaults when unset or empty', () => {
    assert.deepEqual(loadConfig(valid).inventoryAlerts, { defaultLowStockThreshold: 10, opsAlertEmail: 'ops@example.com' });
    assert.deepEqual(loadConfig({ ...valid, LOW_STOCK_DEFAULT_THRESHOLD: '', OPS_ALERT_EMAIL: '' }).inventoryAlerts, { defaultLowStockThreshold: 10, opsAlertEmail: 'ops@example.com' });
    assert.deepEqual(loadConfig({ ...valid, LOW_STOCK_DEFAULT_THRESHOLD: '0', OPS_ALERT_EMAIL: 'desk@example.com' }).inventoryAlerts, { defaultLowStockThreshold: 0, opsAlertEmail: 'desk@example.com' });
    assert.throws(() => loadConfig({ ...valid, LOW_STOCK_DEFAULT_THRESHOLD: '-1', OPS_ALERT_EMAIL: 'nobody' }), /LOW_STOCK_DEFAULT_THRESHOLD[\s\S]*OPS_ALERT_EMAIL/);
  });

  it('fails fast naming every problem at once', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    assert.throws(
      () => loadConfig({ ...rest, JWT_SECRET: 'short', API_PORT: '99999' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.message;
        assert.match(text, /DATABASE_URL/);
        assert.match(text, /JWT_SECRET: .*32/);
        assert.match(text, /API_PORT/);
        assert.equal(error.problems.length, 3);
        return true;
      },
    );
  });
});
