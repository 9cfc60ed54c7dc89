import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('authorized_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('captured_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('authorization_expires_at', 'timestamptz')
    .addColumn('failure_code', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payments_provider_external_id_key', ['provider', 'external_id'])
    .addCheckConstraint('payments_provider_check', sql`provider in ('stripe', 'manual')`)
    .addCheckConstraint(
      'payments_status_check',
      sql`status in ('pending', 'requires_action', 'authorized', 'partially_captured', 'captured',
                     'partially_refunded', 'refunded', 'cancelled', 'expired', 'failed')`,
    )
    .addCheckConstraint('payments_currency_format', sql`currency ~ '^[A-Z]{3}$'`)
    // 0 <= refunded <= captured <= authorized, one named rule per inequality.
    .addCheckConstraint('payments_refunded_non_negative', sql`refunded_amount >= 0`)
    .addCheckConstraint('payments_refunded_within_captured', sql`refunded_amount <= captured_amount`)
    .addCheckConstraint('payments_captured_within_authorized', sql`captured_amount <= authorized_amount`)
    .execute();
  await db.schema.createIndex('payments_order_id_idx').on('payments').column('order_id').execute();
  await sql`
    create index payments_authorization_expiry_idx on payments (authorization_expires_at)
    where status = 'authorized'
  `.execute(db);
  await touchUpdatedAt(db, 'payments');

  await db.schema
    .createTable('payment_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_event_id', 'text', (c) => c.notNull())
    // Null when a webhook arrives before the payment row it is about.
    .addColumn('payment_id', 'uuid', (c) => c.references('payments.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('payment_events_provider_event_id_key', ['provider', 'provider_event_id'])
    .addCheckConstraint('payment_events_provider_check', sql`provider in ('stripe', 'manual')`)
    .execute();
  await db.schema.createIndex('payment_events_payment_id_idx').on('payment_events').column('payment_id').execute();
  await sql`
    create index payment_events_unprocessed_idx on payment_events (received_at)
    where processed_at is null
  `.execute(db);

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('payment_id', 'uuid', (c) => c.notNull().references('payments.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('requested'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addUniqueConstraint('refunds_idempotency_key_key', ['idempotency_key'])
    .addCheckConstraint('refunds_amount_positive', sql`amount > 0`)
    .addCheckConstraint('refunds_currency_format', sql`currency ~ '^[A-Z]{3}$'`)
    .addCheckConstraint(
      'refunds_status_check',
      sql`status in ('requested', 'awaiting_approval', 'approved', 'rejected', 'processing', 'succeeded',
                     'failed', 'cancelled')`,
    )
    .addCheckConstraint('refunds_items_array', sql`jsonb_typeof(items) = 'array'`)
    .execute();
  await db.schema.createIndex('refunds_order_id_idx').on('refunds').column('order_id').execute();
  await db.schema.createIndex('refunds_payment_id_idx').on('refunds').column('payment_id').execute();
  await touchUpdatedAt(db, 'refunds');
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('refunds').execute();
  await db.schema.dropTable('payment_events').execute();
  await db.schema.dropTable('payments').execute();
}
