import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shipments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('warehouse_id', 'uuid', (c) => c.notNull().references('warehouses.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('carrier', 'text')
    .addColumn('service', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('label_id', 'text')
    .addColumn('label_url', 'text')
    .addColumn('ship_to', 'jsonb', (c) => c.notNull())
    .addColumn('cost_amount', 'bigint')
    .addColumn('cost_currency', 'char(3)')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('shipped_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('shipments_carrier_tracking_number_key', ['carrier', 'tracking_number'])
    .addCheckConstraint(
      'shipments_status_check',
      sql`status in ('pending', 'label_purchased', 'in_transit', 'out_for_delivery', 'delivered', 'exception',
                     'returned', 'cancelled')`,
    )
    .addCheckConstraint('shipments_ship_to_object', sql`jsonb_typeof(ship_to) = 'object'`)
    .addCheckConstraint('shipments_cost_non_negative', sql`cost_amount >= 0`)
    .addCheckConstraint('shipments_cost_currency_format', sql`cost_currency ~ '^[A-Z]{3}$'`)
    .addCheckConstraint('shipments_cost_with_currency', sql`(cost_amount is null) = (cost_currency is null)`)
    .addCheckConstraint('shipments_tracking_with_carrier', sql`tracking_number is null or carrier is not null`)
    .execute();
  await db.schema.createIndex('shipments_order_id_idx').on('shipments').column('order_id').execute();
  await db.schema.createIndex('shipments_tracking_number_idx').on('shipments').column('tracking_number').execute();
  await touchUpdatedAt(db, 'shipments');

  await db.schema
    .createTable('shipment_items')
    .addColumn('shipment_id', 'uuid', (c) => c.notNull().references('shipments.id').onDelete('cascade'))
    .addColumn('order_item_id', 'uuid', (c) => c.notNull().references('order_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('shipment_items_pkey', ['shipment_id', 'order_item_id'])
    .addCheckConstraint('shipment_items_quantity_positive', sql`quantity > 0`)
    .execute();
  await db.schema.createIndex('shipment_items_order_item_id_idx').on('shipment_items').column('order_item_id').execute();

  await db.schema
    .createTable('shipment_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('shipment_id', 'uuid', (c) => c.notNull().references('shipments.id'))
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('carrier_event_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('location', 'text')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint('shipment_events_carrier_event_id_key', ['carrier', 'carrier_event_id'])
    .execute();
  await db.schema
    .createIndex('shipment_events_shipment_id_occurred_at_idx')
    .on('shipment_events')
    .columns(['shipment_id', 'occurred_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shipment_events').execute();
  await db.schema.dropTable('shipment_items').execute();
  await db.schema.dropTable('shipments').execute();
}
