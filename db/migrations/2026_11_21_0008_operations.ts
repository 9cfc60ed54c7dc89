import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('email'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('notifications_dedupe_key_key', ['dedupe_key'])
    .addCheckConstraint('notifications_channel_check', sql`channel in ('email', 'sms')`)
    .addCheckConstraint('notifications_status_check', sql`status in ('pending', 'sent', 'failed', 'suppressed')`)
    .addCheckConstraint('notifications_payload_object', sql`jsonb_typeof(payload) = 'object'`)
    .addCheckConstraint('notifications_attempts_non_negative', sql`attempts >= 0`)
    .execute();
  await db.schema.createIndex('notifications_order_id_idx').on('notifications').column('order_id').execute();
  await sql`create index notifications_pending_idx on notifications (created_at) where status = 'pending'`.execute(db);
  await touchUpdatedAt(db, 'notifications');

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('in_progress'))
    .addColumn('response_status', 'integer')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
    .addCheckConstraint('idempotency_keys_status_check', sql`status in ('in_progress', 'completed', 'failed')`)
    .addCheckConstraint('idempotency_keys_response_status_range', sql`response_status between 100 and 599`)
    .execute();
  // Expiry sweeps delete by age.
  await db.schema.createIndex('idempotency_keys_created_at_idx').on('idempotency_keys').column('created_at').execute();
  await touchUpdatedAt(db, 'idempotency_keys');

  await db.schema
    .createTable('support_actions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id'))
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('accepted'))
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('support_actions_actor_not_blank', sql`actor_id <> '' and actor_role <> ''`)
    .addCheckConstraint('support_actions_outcome_check', sql`outcome in ('accepted', 'refused')`)
    .addCheckConstraint('support_actions_payload_object', sql`jsonb_typeof(payload) = 'object'`)
    .execute();
  await db.schema
    .createIndex('support_actions_order_id_created_at_idx')
    .on('support_actions')
    .columns(['order_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_actions_actor_id_created_at_idx')
    .on('support_actions')
    .columns(['actor_id', 'created_at'])
    .execute();
  // An audit trail that can be edited is not an audit trail.
  await sql`
    create trigger support_actions_append_only before update or delete on support_actions
    for each row execute function refuse_row_change()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('support_actions').execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('notifications').execute();
}
