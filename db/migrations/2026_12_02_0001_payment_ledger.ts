import { type Kysely, sql } from 'kysely';

/**
 * Every movement of a payment's money is one row of payment_ledger, and the payment's totals
 * follow the ledger: a trigger adds each row's amount to its payment in the same statement, so
 * the payments CHECKs (captured <= authorized, refunded <= captured) refuse a movement that
 * would break them, and the row with it. The ledger is append-only, and its idempotency key is
 * unique, so a retried activity cannot append twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The target of the ledger's composite key: a movement names its payment's own order and currency.
  await sql`alter table payments add constraint payments_id_order_currency_key unique (id, order_id, currency)`.execute(db);

  await db.schema
    .createTable('payment_ledger')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('payment_id', 'uuid', (c) => c.notNull())
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    // The provider's id of what moved: the PaymentIntent, a refund id, manual:<key>.
    .addColumn('provider_reference', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('payment_ledger_payment_fkey', ['payment_id', 'order_id', 'currency'], 'payments', ['id', 'order_id', 'currency'])
    .addUniqueConstraint('payment_ledger_idempotency_key_key', ['idempotency_key'])
    .addCheckConstraint(
      'payment_ledger_kind_check',
      sql`kind in ('authorized', 'captured', 'cancelled', 'refund_requested', 'refunded', 'refund_failed')`,
    )
    .addCheckConstraint('payment_ledger_amount_positive', sql`amount > 0`)
    .addCheckConstraint('payment_ledger_currency_format', sql`currency ~ '^[A-Z]{3}$'`)
    .addCheckConstraint('payment_ledger_key_not_blank', sql`idempotency_key <> ''`)
    .execute();
  await db.schema.createIndex('payment_ledger_payment_id_idx').on('payment_ledger').column('payment_id').execute();
  await db.schema.createIndex('payment_ledger_order_id_idx').on('payment_ledger').column('order_id').execute();
  await sql`
    create trigger payment_ledger_append_only before update or delete on payment_ledger
    for each row execute function refuse_row_change()
  `.execute(db);

  // Cancelled and the refund requests move no total: they are the record of a released hold and of asking.
  await sql`
    create function apply_payment_ledger_entry() returns trigger language plpgsql as $$
    begin
      update payments set
        authorized_amount = authorized_amount + case when new.kind = 'authorized' then new.amount else 0 end,
        captured_amount = captured_amount + case when new.kind = 'captured' then new.amount else 0 end,
        refunded_amount = refunded_amount + case when new.kind = 'refunded' then new.amount else 0 end
      where id = new.payment_id;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger payment_ledger_apply after insert on payment_ledger
    for each row execute function apply_payment_ledger_entry()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_ledger').execute();
  await sql`drop function apply_payment_ledger_entry()`.execute(db);
  await sql`alter table payments drop constraint payments_id_order_currency_key`.execute(db);
}
