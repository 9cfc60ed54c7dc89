import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { type SeedProgress, planCatalog, seedCatalog } from '../../scripts/seed/seed-catalog';
import { createStockedSku, createTestDb } from '../support/db-fixtures';

describe('seedCatalog', function () {
  this.timeout(60_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });

  after(async () => {
    await db?.destroy();
  });

  describe('planCatalog', () => {
    it('is deterministic and stable when the product count grows', () => {
      const small = planCatalog({ products: 50 });
      assert.deepEqual(planCatalog({ products: 50 }), small);
      assert.deepEqual(planCatalog({ products: 80 }).products.slice(0, 50), small.products);
    });

    it('describes a realistic catalog', () => {
      const plan = planCatalog({ products: 1000 });
      assert.equal(plan.sellers.length, 6);
      assert.equal(plan.warehouses.length, 3);
      assert.equal(new Set(plan.warehouses.map((w) => w.country)).size, 2);
      assert.ok(plan.categories.length >= 28 && plan.categories.length <= 36, `${plan.categories.length} categories`);
      assert.ok(plan.brands.length >= 10);

      const depth = new Map<string, number>();
      for (const c of plan.categories) {
        const parentDepth = c.parentSlug === null ? -1 : depth.get(c.parentSlug);
        assert.notEqual(parentDepth, undefined, `parent of ${c.slug} comes first`);
        depth.set(c.slug, (parentDepth as number) + 1);
      }
      assert.equal(Math.max(...depth.values()), 2, 'three levels deep');

      const skus = plan.products.flatMap((p) => p.variants.map((v) => v.sku));
      assert.equal(new Set(skus).size, skus.length, 'skus are unique');
      assert.equal(new Set(plan.products.map((p) => p.slug)).size, plan.products.length, 'slugs are unique');
      const counts = new Set(plan.products.map((p) => p.variants.length));
      assert.deepEqual([...counts].sort(), [1, 2, 3, 4]);
      for (const p of plan.products) {
        for (const v of p.variants) {
          assert.ok(Number.isSafeInteger(v.priceAmount) && v.priceAmount > 0, `${v.sku} price ${v.priceAmount}`);
          assert.ok(v.attributes.color, `${v.sku} has a color`);
          assert.ok(v.stock.length >= 1 && v.stock.length <= 3);
        }
      }
    });
  });

  it('seeds the planned rows once, is idempotent, and leaves no inventory drift', async () => {
    const plan = planCatalog({ products: 50 });
    const slugs = plan.products.map((p) => p.slug);
    const skus = plan.products.flatMap((p) => p.variants.map((v) => v.sku));
    const plannedStock = plan.products.flatMap((p) => p.variants.flatMap((v) => v.stock.map((s) => ({ sku: v.sku, ...s }))));

    // The database may already hold these rows (a developer seed); what matters is what ends up there.
    const existingProducts = await db.selectFrom('products').select('id').where('slug', 'in', slugs).execute();

    const progress: SeedProgress[] = [];
    const first = await seedCatalog(db, { products: 50, batchSize: 20, onProgress: (p) => progress.push(p) });
    assert.equal(first.products.planned, 50);
    assert.equal(first.products.inserted, 50 - existingProducts.length);
    assert.equal(first.variants.planned, skus.length);
    assert.equal(first.inventory.planned, plannedStock.length);
    assert.deepEqual(progress.filter((p) => p.step === 'products').map((p) => p.done), [0, 20, 40, 50]);

    const products = await db.selectFrom('products').select('slug').where('slug', 'in', slugs).execute();
    assert.equal(products.length, 50);
    const variants = await db.selectFrom('product_variants').select(['sku', 'price_amount']).where('sku', 'in', skus).execute();
    assert.equal(variants.length, skus.length);
    const warehouses = await db
      .selectFrom('warehouses')
      .select('code')
      .where('code', 'in', plan.warehouses.map((w) => w.code))
      .execute();
    assert.equal(warehouses.length, 3);

    const stock = await db
      .selectFrom('inventory as i')
      .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
      .select(['i.sku', 'w.code', 'i.on_hand'])
      .where('i.sku', 'in', skus)
      .execute();
    assert.equal(stock.length, plannedStock.length);
    if (existingProducts.length === 0) {
      const onHand = new Map(stock.map((s) => [`${s.sku}@${s.code}`, s.on_hand]));
      for (const s of plannedStock) assert.equal(onHand.get(`${s.sku}@${s.warehouseCode}`), s.quantity);
    }

    const second = await seedCatalog(db, { products: 50 });
    for (const [table, count] of Object.entries(second)) assert.equal(count.inserted, 0, `${table} re-inserted rows`);
    const after = await db.selectFrom('product_variants').select('sku').where('sku', 'in', skus).execute();
    assert.equal(after.length, skus.length);

    assert.deepEqual(await findInventoryDrift(db, { skus }), []);
  });

  it('findInventoryDrift reports on_hand off the ledger and reserved off the reservations', async () => {
    const { sku, warehouseId } = await createStockedSku(db, 10);
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
    try {
      await db.updateTable('inventory').set({ on_hand: 12, reserved: 1 }).where('sku', '=', sku).execute();
      const drift = await findInventoryDrift(db, { skus: [sku] });
      assert.equal(drift.length, 1);
      assert.deepEqual(
        { ...drift[0], warehouse_code: undefined },
        { sku, warehouse_id: warehouseId, warehouse_code: undefined, on_hand: 12, ledger_on_hand: 10, reserved: 1, reservations_reserved: 0 },
      );
    } finally {
      await db.updateTable('inventory').set({ on_hand: 10, reserved: 0 }).where('sku', '=', sku).execute();
    }
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
  });
});
