import { type Kysely, sql } from 'kysely';

/**
 * The orders index converges like the products index: every change to an order bumps its
 * search_version (a trigger, so no writer can forget), the indexer records the version it wrote,
 * and a sweep finds the orders whose index lags. Recording what was indexed is not a change of
 * the order: it neither bumps the version nor touches updated_at.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('search_version', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('search_indexed_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table orders add constraint orders_indexed_not_ahead check (search_indexed_version <= search_version)`.execute(db);
  await sql`create index orders_search_stale_idx on orders (id) where search_indexed_version < search_version`.execute(db);
  await sql`
    create function bump_search_version() returns trigger language plpgsql as $$
    begin
      new.search_version := old.search_version + 1;
      return new;
    end
    $$
  `.execute(db);
  await sql`drop trigger orders_set_updated_at on orders`.execute(db);
  await sql`
    create trigger orders_set_updated_at before update on orders
    for each row when (old.search_indexed_version is not distinct from new.search_indexed_version) execute function set_updated_at()
  `.execute(db);
  await sql`
    create trigger orders_bump_search_version before update on orders
    for each row when (old.search_indexed_version is not distinct from new.search_indexed_version) execute function bump_search_version()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger orders_bump_search_version on orders`.execute(db);
  await sql`drop trigger orders_set_updated_at on orders`.execute(db);
  await sql`create trigger orders_set_updated_at before update on orders for each row execute function set_updated_at()`.execute(db);
  await sql`drop function bump_search_version()`.execute(db);
  await sql`drop index orders_search_stale_idx`.execute(db);
  await db.schema.alterTable('orders').dropConstraint('orders_indexed_not_ahead').execute();
  await db.schema.alterTable('orders').dropColumn('search_indexed_version').dropColumn('search_version').execute();
}
