import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database';
import { MIGRATIONS_FOLDER, migrateDownAll, migrateRedo, migrateToLatest, migrationStatus } from '../../db/migrator';
import { createTestDb } from '../support/db-fixtures';

const TABLES = [
  'sellers', 'categories', 'brands', 'products', 'product_variants', 'product_images',
  'customers', 'addresses', 'orders', 'order_items',
  'warehouses', 'inventory', 'inventory_reservations', 'inventory_movements', 'inventory_receipts', 'inventory_receipt_lines',
  'inventory_alert_settings', 'back_in_stock_subscriptions',
  'payments', 'payment_events', 'payment_ledger', 'refunds',
  'shipments', 'shipment_items', 'shipment_events',
  'notifications', 'idempotency_keys', 'support_actions',
];

/** Every object kind a migration can leave behind in the public schema, as sorted "kind name" strings. */
async function schemaObjects(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ object: string }>`
    select c.relkind::text || ' ' || c.relname as object
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname not like 'kysely_migration%'
    union all
    select 'function ' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
    union all
    select 'trigger ' || t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and not t.tgisinternal
    union all
    select 'type ' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where n.nspname = 'public' and t.typtype in ('e', 'd')
    order by 1
  `.execute(db);
  return rows.map((r) => r.object);
}

function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort();
}

describe('migrations', function () {
  this.timeout(60_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });

  after(async () => {
    // Other suites rely on a migrated schema, whatever happened above.
    try {
      await migrateToLatest(db);
    } finally {
      await db?.destroy();
    }
  });

  it('are date-prefixed and all applied at latest', async () => {
    const files = migrationFiles();
    assert.ok(files.length >= 8);
    for (const f of files) assert.match(f, /^\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+$/);
    const status = await migrationStatus(db);
    assert.deepEqual(status.map((s) => s.name), files);
    assert.ok(status.every((s) => s.executedAt !== null));
  });

  it('go up, down to nothing and up again, and down removes exactly what up created', async () => {
    const atLatest = await schemaObjects(db);
    for (const table of TABLES) assert.ok(atLatest.includes(`r ${table}`), `table ${table} exists at latest`);

    const down = await migrateDownAll(db);
    assert.deepEqual(down.results?.map((r) => [r.direction, r.status]), migrationFiles().map(() => ['Down', 'Success']));
    const empty = await schemaObjects(db);
    for (const table of TABLES) assert.ok(!empty.includes(`r ${table}`), `table ${table} dropped`);
    assert.ok(!empty.some((o) => o.startsWith('function ') && ['set_updated_at', 'refuse_row_change'].includes(o.slice(9))));

    const up = await migrateToLatest(db);
    assert.equal(up.results?.length, migrationFiles().length);
    assert.deepEqual(await schemaObjects(db), atLatest);

    await migrateDownAll(db);
    assert.deepEqual(await schemaObjects(db), empty);
    await migrateToLatest(db);
    assert.deepEqual(await schemaObjects(db), atLatest);
  });

  it('redo re-runs the newest migration', async () => {
    const before = await schemaObjects(db);
    const redo = await migrateRedo(db);
    const newest = migrationFiles().at(-1);
    assert.deepEqual(redo.results?.map((r) => [r.migrationName, r.direction, r.status]), [
      [newest, 'Down', 'Success'],
      [newest, 'Up', 'Success'],
    ]);
    assert.deepEqual(await schemaObjects(db), before);
  });

  describe('db/migrate.ts CLI', () => {
    const root = path.resolve(__dirname, '../..');
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), 'db/migrate.ts', ...args], { cwd: root, env, encoding: 'utf8' });

    it('fails clearly without DATABASE_URL', () => {
      const { DATABASE_URL: _ignored, ...env } = process.env;
      const result = run([], env);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /DATABASE_URL is not set/);
    });

    it('refuses an unknown command', () => {
      const result = run(['sideways'], process.env);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /usage:/);
    });

    it('is a no-op at latest', () => {
      const result = run(['latest'], process.env);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /nothing to do/);
    });
  });
});
