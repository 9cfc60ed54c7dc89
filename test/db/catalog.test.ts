import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { assertRefused, createTestDb, uniqueId } from '../support/db-fixtures';

describe('categories tree', function () {
  this.timeout(20_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });

  after(async () => {
    await db?.destroy();
  });

  async function addCategory(slug: string, parentId: string | null): Promise<string> {
    const row = await db.insertInto('categories').values({ slug, name: slug, parent_id: parentId }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async function paths(ids: string[]): Promise<Record<string, [string, number]>> {
    const rows = await db.selectFrom('categories').select(['slug', 'path', 'depth']).where('id', 'in', ids).execute();
    return Object.fromEntries(rows.map((r) => [r.slug, [r.path, r.depth]]));
  }

  it('derives path and depth, re-derives a moved subtree, and refuses cycles', async () => {
    const s = uniqueId('t').toLowerCase();
    const root = await addCategory(`${s}-root`, null);
    const other = await addCategory(`${s}-other`, null);
    const mid = await addCategory(`${s}-mid`, root);
    const leaf = await addCategory(`${s}-leaf`, mid);

    assert.deepEqual(await paths([root, mid, leaf]), {
      [`${s}-root`]: [`${s}-root`, 0],
      [`${s}-mid`]: [`${s}-root/${s}-mid`, 1],
      [`${s}-leaf`]: [`${s}-root/${s}-mid/${s}-leaf`, 2],
    });

    const descendants = await db
      .selectFrom('categories')
      .select('slug')
      .where('path', 'like', `${s}-root/%`)
      .orderBy('depth')
      .execute();
    assert.deepEqual(descendants.map((d) => d.slug), [`${s}-mid`, `${s}-leaf`]);

    await db.updateTable('categories').set({ parent_id: other }).where('id', '=', mid).execute();
    assert.deepEqual(await paths([mid, leaf]), {
      [`${s}-mid`]: [`${s}-other/${s}-mid`, 1],
      [`${s}-leaf`]: [`${s}-other/${s}-mid/${s}-leaf`, 2],
    });

    await assertRefused(db.updateTable('categories').set({ parent_id: leaf }).where('id', '=', other).execute(), {
      code: '23514',
      message: /descendant/,
    });
  });
});
