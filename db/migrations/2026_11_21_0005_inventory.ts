import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('warehouses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'char(2)', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('address', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('warehouses_code_format', sql`code ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$'`)
    .addCheckConstraint('warehouses_country_format', sql`country ~ '^[A-Z]{2}$'`)
    .addCheckConstraint('warehouses_address_object', sql`jsonb_typeof(address) = 'object'`)
    .execute();
  await touchUpdatedAt(db, 'warehouses');

  await db.schema
    .createTable('inventory')
    .addColumn('sku', 'text', (c) => c.notNull().references('product_variants.sku'))
    .addColumn('warehouse_id', 'uuid', (c) => c.notNull().references('warehouses.id'))
    .addColumn('on_hand', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inventory_pkey', ['sku', 'warehouse_id'])
    // Separate constraints so the error names the rule that broke.
    .addCheckConstraint('inventory_on_hand_non_negative', sql`on_hand >= 0`)
    .addCheckConstraint('inventory_reserved_non_negative', sql`reserved >= 0`)
    .addCheckConstraint('inventory_reserved_within_on_hand', sql`reserved <= on_hand`)
    .execute();
  await db.schema.createIndex('inventory_warehouse_id_idx').on('inventory').column('warehouse_id').execute();
  // version lets projections (search availability) drop stale writes; bumping it here means no caller can forget.
  await sql`
    create function inventory_touch() returns trigger language plpgsql as $$
    begin
      new.version := old.version + 1;
      new.updated_at := now();
      return new;
    end
    $$
  `.execute(db);
  await sql`
    create trigger inventory_touch before update on inventory
    for each row execute function inventory_touch()
  `.execute(db);

  await db.schema
    .createTable('inventory_reservations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'uuid', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('reserved'))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('inventory_reservations_inventory_fkey', ['sku', 'warehouse_id'], 'inventory', [
      'sku',
      'warehouse_id',
    ])
    .addUniqueConstraint('inventory_reservations_order_sku_warehouse_key', ['order_id', 'sku', 'warehouse_id'])
    .addCheckConstraint('inventory_reservations_quantity_positive', sql`quantity > 0`)
    .addCheckConstraint('inventory_reservations_status_check', sql`status in ('reserved', 'released', 'committed')`)
    .execute();
  await sql`
    create index inventory_reservations_active_idx on inventory_reservations (sku, warehouse_id)
    where status = 'reserved'
  `.execute(db);
  await sql`
    create index inventory_reservations_expiry_idx on inventory_reservations (expires_at)
    where status = 'reserved'
  `.execute(db);
  await touchUpdatedAt(db, 'inventory_reservations');

  await db.schema
    .createTable('inventory_movements')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'uuid', (c) => c.notNull())
    .addColumn('quantity_delta', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reference_type', 'text', (c) => c.notNull())
    .addColumn('reference_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('inventory_movements_inventory_fkey', ['sku', 'warehouse_id'], 'inventory', [
      'sku',
      'warehouse_id',
    ])
    // A retried activity inserts the same movement again; ON CONFLICT DO NOTHING turns that into a no-op.
    .addUniqueConstraint('inventory_movements_dedupe_key', ['reason', 'reference_id', 'sku', 'warehouse_id'])
    .addCheckConstraint('inventory_movements_delta_non_zero', sql`quantity_delta <> 0`)
    .addCheckConstraint(
      'inventory_movements_reason_check',
      sql`reason in ('initial', 'receipt', 'reservation_commit', 'adjustment', 'return')`,
    )
    .addCheckConstraint('inventory_movements_reference_not_blank', sql`reference_type <> '' and reference_id <> ''`)
    .execute();
  await db.schema
    .createIndex('inventory_movements_sku_warehouse_idx')
    .on('inventory_movements')
    .columns(['sku', 'warehouse_id'])
    .execute();
  await sql`
    create trigger inventory_movements_append_only before update or delete on inventory_movements
    for each row execute function refuse_row_change()
  `.execute(db);

  await db.schema
    .createTable('inventory_receipts')
    .addColumn('receipt_id', 'text', (c) => c.primaryKey())
    .addColumn('warehouse_id', 'uuid', (c) => c.notNull().references('warehouses.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint('inventory_receipts_id_format', sql`receipt_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'`)
    .addCheckConstraint('inventory_receipts_status_check', sql`status in ('pending', 'completed', 'failed')`)
    .execute();
  await db.schema.createIndex('inventory_receipts_warehouse_id_idx').on('inventory_receipts').column('warehouse_id').execute();
  await sql`create index inventory_receipts_pending_idx on inventory_receipts (created_at) where status = 'pending'`.execute(db);
  await touchUpdatedAt(db, 'inventory_receipts');

  await db.schema
    .createTable('inventory_receipt_lines')
    .addColumn('receipt_id', 'text', (c) => c.notNull().references('inventory_receipts.receipt_id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull().references('product_variants.sku'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('inventory_receipt_lines_pkey', ['receipt_id', 'sku'])
    .addCheckConstraint('inventory_receipt_lines_quantity_positive', sql`quantity > 0`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inventory_receipt_lines').execute();
  await db.schema.dropTable('inventory_receipts').execute();
  await db.schema.dropTable('inventory_movements').execute();
  await db.schema.dropTable('inventory_reservations').execute();
  await db.schema.dropTable('inventory').execute();
  await sql`drop function inventory_touch()`.execute(db);
  await db.schema.dropTable('warehouses').execute();
}
