import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { applyInventoryAlertSettings } from '../../db/low-stock';
import { createTestDb } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { testConfig } from '../support/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

describe('low-stock alert settings come from the worker configuration (workers/main.ts as a process)', function () {
  this.timeout(180_000);
  let db: Kysely<Database>;
  let worker: WorkerProcess | undefined;
  before(() => {
    db = createTestDb();
  });
  after(async () => {
    await worker?.stop();
    // Other suites of this run expect the test configuration's values.
    await applyInventoryAlertSettings(db, testConfig().inventoryAlerts);
    await db.destroy();
  });

  it('writes LOW_STOCK_DEFAULT_THRESHOLD and OPS_ALERT_EMAIL where the trigger reads them', async () => {
    const config = testConfig();
    worker = await startWorkerProcess({
      stripeApiBase: config.stripe.apiBase ?? 'http://127.0.0.1:9',
      env: { LOW_STOCK_DEFAULT_THRESHOLD: '37', OPS_ALERT_EMAIL: 'stock-desk@example.com' },
    });
    const settings = await eventually(
      () => db.selectFrom('inventory_alert_settings').select(['default_low_stock_threshold', 'ops_alert_email']).executeTakeFirstOrThrow(),
      (row) => row.default_low_stock_threshold === 37,
      { what: 'the worker to write its settings' },
    );
    assert.deepEqual(settings, { default_low_stock_threshold: 37, ops_alert_email: 'stock-desk@example.com' });
  });
});
