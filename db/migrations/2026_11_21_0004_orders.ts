import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Null for guest checkout; email is always there.
    .addColumn('customer_id', 'uuid', (c) => c.references('customers.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('status_reason', 'text')
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('subtotal_amount', 'bigint', (c) => c.notNull())
    .addColumn('tax_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('shipping_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total_amount', 'bigint', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
    .addColumn('billing_address', 'jsonb')
    .addColumn('risk_score', 'smallint')
    .addColumn('risk_level', 'text')
    .addColumn('risk_reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('risk_reviewed_by', 'text')
    .addColumn('risk_reviewed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addUniqueConstraint('orders_idempotency_key_key', ['idempotency_key'])
    .addCheckConstraint(
      'orders_status_check',
      sql`status in ('pending', 'on_hold', 'rejected', 'confirmed', 'partially_shipped', 'shipped',
                     'delivered', 'cancelled', 'returned', 'refunded', 'closed')`,
    )
    .addCheckConstraint('orders_currency_format', sql`currency ~ '^[A-Z]{3}$'`)
    .addCheckConstraint(
      'orders_amounts_non_negative',
      sql`subtotal_amount >= 0 and tax_amount >= 0 and shipping_amount >= 0 and total_amount >= 0`,
    )
    .addCheckConstraint('orders_shipping_address_object', sql`jsonb_typeof(shipping_address) = 'object'`)
    .addCheckConstraint('orders_billing_address_object', sql`jsonb_typeof(billing_address) = 'object'`)
    .addCheckConstraint('orders_risk_score_range', sql`risk_score between 0 and 100`)
    .addCheckConstraint('orders_risk_level_check', sql`risk_level in ('low', 'medium', 'high')`)
    .addCheckConstraint('orders_risk_reasons_array', sql`jsonb_typeof(risk_reasons) = 'array'`)
    .execute();
  await sql`create index orders_customer_id_created_at_idx on orders (customer_id, created_at desc)`.execute(db);
  await sql`create index orders_email_idx on orders (lower(email))`.execute(db);
  await db.schema.createIndex('orders_status_created_at_idx').on('orders').columns(['status', 'created_at']).execute();
  await touchUpdatedAt(db, 'orders');

  await db.schema
    .createTable('order_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull().references('product_variants.sku'))
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_amount', 'bigint', (c) => c.notNull())
    .addColumn('total_amount', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('order_items_order_sku_key', ['order_id', 'sku'])
    .addCheckConstraint('order_items_quantity_positive', sql`quantity > 0`)
    .addCheckConstraint('order_items_amounts_non_negative', sql`unit_price_amount >= 0 and total_amount >= 0`)
    .execute();
  await db.schema.createIndex('order_items_sku_idx').on('order_items').column('sku').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_items').execute();
  await db.schema.dropTable('orders').execute();
}
