import { type Kysely, sql } from 'kysely';

/**
 * Customers sign in elsewhere: the token's subject names them, unique per customer. Support
 * actions are recorded by activities, which may run twice: the action's own id makes the second
 * insert a no-op.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('auth_subject', 'text').execute();
  await sql`create unique index customers_auth_subject_key on customers (auth_subject) where auth_subject is not null`.execute(db);
  await db.schema.alterTable('support_actions').addColumn('action_id', 'text').execute();
  await sql`create unique index support_actions_action_id_key on support_actions (action_id) where action_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index support_actions_action_id_key`.execute(db);
  await db.schema.alterTable('support_actions').dropColumn('action_id').execute();
  await sql`drop index customers_auth_subject_key`.execute(db);
  await db.schema.alterTable('customers').dropColumn('auth_subject').execute();
}
