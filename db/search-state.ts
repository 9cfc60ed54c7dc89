import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

/** The tables whose rows carry search_version (bumped on change) and search_indexed_version (last written to search). */
export type SearchedTable = 'products' | 'orders';

/** Records what the index now holds; never ahead of the row, never backwards. */
export async function markIndexed(db: Kysely<Database>, table: SearchedTable, indexed: { id: string; version: number }[]): Promise<void> {
  if (indexed.length === 0) return;
  const values = sql.join(indexed.map(({ id, version }) => sql`(${id}::uuid, ${version}::bigint)`));
  await sql`
    update ${sql.table(table)} t set search_indexed_version = v.version
    from (values ${values}) as v(id, version)
    where t.id = v.id and v.version > t.search_indexed_version and v.version <= t.search_version
  `.execute(db);
}

/** Rows changed since they were last indexed, oldest change first. */
export async function findStaleIds(db: Kysely<Database>, table: SearchedTable, limit: number): Promise<string[]> {
  const rows = await db.selectFrom(table).select('id').whereRef('search_indexed_version', '<', 'search_version').orderBy('updated_at').limit(limit).execute();
  return rows.map((r) => r.id);
}
