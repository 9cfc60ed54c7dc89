import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { createDb } from '../../db/create-db';
import type { Database } from '../../db/database';
import { applyInventoryAlertSettings, setLowStockThreshold } from '../../db/low-stock';
import { receiveStock } from '../../db/receive-stock';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { releaseReservations, reserveStock } from '../../db/reservations';
import type { LowStockAlertPayload } from '../../domain/stock-notifications';
import { testConfig } from '../support/test-stack';
import { createOrder, createStockedSku, TEST_WAREHOUSE_CODE, testDatabaseUrl, uniqueId, type StockedSku } from '../support/db-fixtures';

describe('low-stock alerts (PostgreSQL)', () => {
  let db: Kysely<Database>;
  before(() => {
    // As many connections as concurrent checkouts, so they really meet at the row lock.
    db = createDb({ url: testDatabaseUrl(), poolSize: 20, applicationName: 'test-low-stock' });
  });
  // The test stack wrote them at start; a suite that migrated down and up since has the migration's.
  before(() => applyInventoryAlertSettings(db, testConfig().inventoryAlerts));
  after(() => db.destroy());

  const alertsFor = (sku: string) =>
    db
      .selectFrom('notifications')
      .select(['recipient', 'template', 'payload', 'dedupe_key', 'status', 'order_id'])
      .where('template', '=', 'low-stock')
      .where((eb) => eb(eb.ref('payload', '->>').key('sku'), '=', sku))
      .orderBy('dedupe_key')
      .execute();

  const expiresAt = () => new Date(Date.now() + 15 * 60_000);
  const reserveOne = async (stocked: StockedSku, quantity = 1) => {
    const order = await createOrder(db);
    const result = await reserveStock(db, order.id, [{ sku: stocked.sku, warehouseId: stocked.warehouseId, quantity }], expiresAt());
    assert.equal(result.kind, 'reserved');
    return order.id;
  };
  const setThreshold = async (sku: string, threshold: number | null) => {
    const result = await setLowStockThreshold(db, { warehouseCode: TEST_WAREHOUSE_CODE, sku, threshold });
    assert.equal(result.kind, 'set');
    return result.kind === 'set' ? result.threshold : undefined;
  };
  const receive = (sku: string, quantity: number) =>
    receiveStock(db, { receiptId: uniqueId('RCPT'), warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity }], receivedBy: 'test' });

  it('queues exactly one alert to ops when 20 concurrent reservations take available stock across the threshold', async () => {
    const stocked = await createStockedSku(db, 20);
    assert.deepEqual(await setThreshold(stocked.sku, 10), {
      warehouseCode: TEST_WAREHOUSE_CODE,
      sku: stocked.sku,
      threshold: 10,
      effectiveThreshold: 10,
      available: 20,
      belowThreshold: false,
    });
    const orders = await Promise.all(Array.from({ length: 20 }, () => createOrder(db)));
    const results = await Promise.all(
      orders.map((order) => reserveStock(db, order.id, [{ sku: stocked.sku, warehouseId: stocked.warehouseId, quantity: 1 }], expiresAt())),
    );
    assert.deepEqual(new Set(results.map((r) => r.kind)), new Set(['reserved']));

    const alerts = await alertsFor(stocked.sku);
    assert.equal(alerts.length, 1, 'one alert per crossing, not one per order');
    const [alert] = alerts;
    assert.equal(alert!.recipient, testConfig().inventoryAlerts.opsAlertEmail);
    assert.equal(alert!.status, 'pending');
    assert.equal(alert!.order_id, null);
    assert.equal(alert!.dedupe_key, `low-stock/${TEST_WAREHOUSE_CODE}/${stocked.sku}/1`);
    assert.deepEqual(alert!.payload, {
      // LowStockAlertPayload of domain/stock-notifications.ts
      sku: stocked.sku,
      productId: stocked.productId,
      productName: `Test product ${stocked.sku}`,
      warehouseCode: TEST_WAREHOUSE_CODE,
      warehouseName: 'Test DB Warehouse',
      // The reservation that crossed left 9: the first below 10, whichever order it was.
      available: 9,
      onHand: 20,
      reserved: 11,
      threshold: 10,
      crossing: 1,
    } satisfies LowStockAlertPayload);
    const row = await db.selectFrom('inventory').select(['reserved', 'low_stock_alerted', 'low_stock_crossings']).where('sku', '=', stocked.sku).executeTakeFirstOrThrow();
    assert.deepEqual(row, { reserved: 20, low_stock_alerted: true, low_stock_crossings: 1 });
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
  });

  it('re-arms when a restock brings stock back to the threshold, and alerts again at the next crossing only', async () => {
    const stocked = await createStockedSku(db, 12);
    await setThreshold(stocked.sku, 10);
    const first = await reserveOne(stocked, 3); // 9 left: crossing 1
    await reserveOne(stocked, 2); // 7 left: still low, no alert
    assert.equal((await alertsFor(stocked.sku)).length, 1);

    await receive(stocked.sku, 2); // 9: up, but still below: no alert, not re-armed
    await releaseReservations(db, first); // 12: back above: re-armed
    let row = await db.selectFrom('inventory').select(['low_stock_alerted']).where('sku', '=', stocked.sku).executeTakeFirstOrThrow();
    assert.equal(row.low_stock_alerted, false);
    await receive(stocked.sku, 5); // 17
    assert.equal((await alertsFor(stocked.sku)).length, 1);

    await reserveOne(stocked, 7); // 10: at the threshold is not below it
    assert.equal((await alertsFor(stocked.sku)).length, 1);
    await reserveOne(stocked, 1); // 9: crossing 2
    const alerts = await alertsFor(stocked.sku);
    assert.deepEqual(
      alerts.map((a) => [a.dedupe_key, (a.payload as { available: number }).available]),
      [
        [`low-stock/${TEST_WAREHOUSE_CODE}/${stocked.sku}/1`, 9],
        [`low-stock/${TEST_WAREHOUSE_CODE}/${stocked.sku}/2`, 9],
      ],
    );
    row = await db.selectFrom('inventory').select(['low_stock_alerted']).where('sku', '=', stocked.sku).executeTakeFirstOrThrow();
    assert.equal(row.low_stock_alerted, true);
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
  });

  it('follows the configured default until a SKU has its own threshold, and never alerts for a threshold change or a new row', async () => {
    const fallback = testConfig().inventoryAlerts.defaultLowStockThreshold;
    const stocked = await createStockedSku(db, fallback);
    // Stocked below the default from the start: low, but nothing crossed.
    const low = await createStockedSku(db, Math.max(fallback - 1, 0));
    await reserveOne(low);
    assert.equal((await alertsFor(low.sku)).length, 0);

    await reserveOne(stocked); // default - 1: crossing under the default
    assert.equal((await alertsFor(stocked.sku)).length, 1);

    const lowered = await setThreshold(stocked.sku, 2);
    assert.deepEqual([lowered?.effectiveThreshold, lowered?.belowThreshold], [2, false]);
    const raised = await setThreshold(stocked.sku, 1000);
    assert.deepEqual([raised?.threshold, raised?.belowThreshold], [1000, true]);
    assert.equal((await alertsFor(stocked.sku)).length, 1, 'a raised threshold is not a crossing');
    const cleared = await setThreshold(stocked.sku, null);
    assert.deepEqual([cleared?.threshold, cleared?.effectiveThreshold], [null, fallback]);
  });

  it('sets a threshold for a SKU never stocked in the warehouse, and refuses unknown SKUs and warehouses', async () => {
    const stocked = await createStockedSku(db, 0);
    await db.deleteFrom('inventory').where('sku', '=', stocked.sku).execute();
    const set = await setThreshold(stocked.sku, 4);
    assert.deepEqual([set?.available, set?.belowThreshold], [0, true]);
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
    assert.deepEqual(await setLowStockThreshold(db, { warehouseCode: TEST_WAREHOUSE_CODE, sku: uniqueId('NOPE'), threshold: 1 }), { kind: 'unknown_sku' });
    assert.deepEqual(await setLowStockThreshold(db, { warehouseCode: 'NO-SUCH-WH', sku: stocked.sku, threshold: 1 }), { kind: 'unknown_warehouse' });
  });
});
