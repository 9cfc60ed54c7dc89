import { type Kysely, sql } from 'kysely';

/**
 * Low-stock alerts, decided by the database so no code path that moves stock can forget them and
 * concurrent reservations cannot each send one: every change to an inventory row passes through
 * `inventory_low_stock`, under the row's lock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row: what the trigger needs from configuration (the composition roots write it at startup).
  await db.schema
    .createTable('inventory_alert_settings')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true))
    .addColumn('default_low_stock_threshold', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('ops_alert_email', 'text', (c) => c.notNull().defaultTo('ops@example.com'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('inventory_alert_settings_single_row', sql`id`)
    .addCheckConstraint('inventory_alert_settings_threshold_non_negative', sql`default_low_stock_threshold >= 0`)
    .addCheckConstraint('inventory_alert_settings_email_not_blank', sql`ops_alert_email <> ''`)
    .execute();
  await sql`insert into inventory_alert_settings default values`.execute(db);
  await sql`
    create trigger inventory_alert_settings_set_updated_at before update on inventory_alert_settings
    for each row execute function set_updated_at()
  `.execute(db);

  await db.schema
    .alterTable('inventory')
    // null: the default threshold of inventory_alert_settings.
    .addColumn('low_stock_threshold', 'integer', (c) => c.check(sql`low_stock_threshold >= 0`))
    // True while available stock is known to be below the threshold: the alert for this crossing is queued.
    .addColumn('low_stock_alerted', 'boolean', (c) => c.notNull().defaultTo(false))
    // How many crossings were alerted: the dedupe key of the next one.
    .addColumn('low_stock_crossings', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await sql`
    create function inventory_low_stock() returns trigger language plpgsql as $$
    declare
      settings inventory_alert_settings;
      threshold integer;
      available integer := new.on_hand - new.reserved;
      warehouse warehouses;
      product record;
    begin
      select * into settings from inventory_alert_settings;
      threshold := coalesce(new.low_stock_threshold, settings.default_low_stock_threshold, 0);
      if available >= threshold then
        new.low_stock_alerted := false; -- re-armed for the next crossing
        return new;
      end if;
      -- Below the threshold. Only stock going down across it is a crossing: a new row, a raised
      -- threshold or a receipt that leaves it still low is known to be low, without an alert.
      if tg_op = 'INSERT' or old.low_stock_alerted or available >= old.on_hand - old.reserved then
        new.low_stock_alerted := true;
        return new;
      end if;
      new.low_stock_alerted := true;
      new.low_stock_crossings := old.low_stock_crossings + 1;
      select * into warehouse from warehouses where id = new.warehouse_id;
      select p.id, p.name into product from product_variants v join products p on p.id = v.product_id where v.sku = new.sku;
      insert into notifications (recipient, template, payload, dedupe_key)
      values (
        settings.ops_alert_email,
        'low-stock',
        jsonb_build_object(
          'sku', new.sku,
          'productId', product.id,
          'productName', product.name,
          'warehouseCode', warehouse.code,
          'warehouseName', warehouse.name,
          'available', available,
          'onHand', new.on_hand,
          'reserved', new.reserved,
          'threshold', threshold,
          'crossing', new.low_stock_crossings
        ),
        'low-stock/' || warehouse.code || '/' || new.sku || '/' || new.low_stock_crossings
      )
      on conflict (dedupe_key) do nothing;
      return new;
    end
    $$
  `.execute(db);
  await sql`
    create trigger inventory_low_stock before insert or update on inventory
    for each row execute function inventory_low_stock()
  `.execute(db);
  // Rows already below their threshold were low before alerts existed: no alert for them until they recover.
  await sql`update inventory set low_stock_alerted = low_stock_alerted`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger inventory_low_stock on inventory`.execute(db);
  await sql`drop function inventory_low_stock()`.execute(db);
  await db.schema
    .alterTable('inventory')
    .dropColumn('low_stock_crossings')
    .dropColumn('low_stock_alerted')
    .dropColumn('low_stock_threshold')
    .execute();
  await db.schema.dropTable('inventory_alert_settings').execute();
}
