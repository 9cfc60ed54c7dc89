import { type Kysely, sql } from 'kysely';

/**
 * Ratings as a denormalised aggregate (maintained by the reviews capability), and the version
 * last written to search, so a sweep can find products whose index lags behind.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('rating_tenths', 'smallint')
    .addColumn('review_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('search_indexed_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table products add constraint products_rating_range check (rating_tenths between 10 and 50)`.execute(db);
  await sql`alter table products add constraint products_review_count_non_negative check (review_count >= 0)`.execute(db);
  await sql`alter table products add constraint products_indexed_not_ahead check (search_indexed_version <= search_version)`.execute(db);
  await sql`create index products_search_stale_idx on products (id) where search_indexed_version < search_version`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index products_search_stale_idx`.execute(db);
  await db.schema
    .alterTable('products')
    .dropConstraint('products_indexed_not_ahead')
    .execute();
  await db.schema.alterTable('products').dropConstraint('products_review_count_non_negative').execute();
  await db.schema.alterTable('products').dropConstraint('products_rating_range').execute();
  await db.schema.alterTable('products').dropColumn('search_indexed_version').dropColumn('review_count').dropColumn('rating_tenths').execute();
}
