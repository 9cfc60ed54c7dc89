import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from './database';
import type { SupportActionTable } from './tables/support-actions.table';

/** One row of the support audit, once per action id (a workflow's update id): recording it again records nothing. */
export async function recordSupportAudit(db: Kysely<Database> | Transaction<Database>, row: Insertable<SupportActionTable>): Promise<void> {
  await db
    .insertInto('support_actions')
    .values(row)
    .onConflict((oc) => oc.column('action_id').where('action_id', 'is not', null).doNothing())
    .execute();
}
