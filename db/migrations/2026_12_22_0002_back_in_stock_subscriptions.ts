import { type Kysely, sql } from 'kysely';

/** "Tell me when it is back in stock": one waiting subscription per customer and SKU, told once. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('back_in_stock_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('sku', 'text', (c) => c.notNull().references('product_variants.sku'))
    // The subject of the customer's token: who asked, whether or not they have ordered yet.
    .addColumn('customer_subject', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('waiting'))
    .addColumn('notified_at', 'timestamptz')
    // The restock that brought the SKU back (its receipt id).
    .addColumn('notified_by_receipt', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('back_in_stock_subscriptions_status_check', sql`status in ('waiting', 'notified')`)
    .addCheckConstraint(
      'back_in_stock_subscriptions_notified_consistent',
      sql`(status = 'notified') = (notified_at is not null and notified_by_receipt is not null)`,
    )
    .addCheckConstraint('back_in_stock_subscriptions_not_blank', sql`customer_subject <> '' and email <> ''`)
    .execute();
  // Idempotent per customer and SKU while waiting; once told, the customer may ask again next time it sells out.
  await sql`
    create unique index back_in_stock_subscriptions_waiting_key on back_in_stock_subscriptions (customer_subject, sku)
    where status = 'waiting'
  `.execute(db);
  await sql`create index back_in_stock_subscriptions_waiting_sku_idx on back_in_stock_subscriptions (sku) where status = 'waiting'`.execute(db);
  // Told is final: a subscription never goes back to waiting, so its email (dedupe key back-in-stock/<id>) is one.
  await sql`
    create function back_in_stock_told_once() returns trigger language plpgsql as $$
    begin
      if old.status = 'notified' and new is distinct from old then
        raise exception 'back-in-stock subscription % was already notified', old.id using errcode = 'restrict_violation';
      end if;
      new.updated_at := now();
      return new;
    end
    $$
  `.execute(db);
  await sql`
    create trigger back_in_stock_told_once before update on back_in_stock_subscriptions
    for each row execute function back_in_stock_told_once()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('back_in_stock_subscriptions').execute();
  await sql`drop function back_in_stock_told_once()`.execute(db);
}
