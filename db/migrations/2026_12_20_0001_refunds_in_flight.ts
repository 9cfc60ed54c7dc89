import { type Kysely, sql } from 'kysely';

/**
 * Refunds in flight count against what was captured. A `refund_requested` ledger row raises
 * payments.refunding_amount; its `refunded` or `refund_failed` row lowers it again (and
 * `refunded` raises refunded_amount). A CHECK keeps refunded + refunding <= captured, so two
 * refunds asked at once can never together promise more than was captured, whatever asked them.
 * A `refunded` or `refund_failed` row without its request drives refunding below zero, which
 * another CHECK refuses.
 *
 * Refunds keep what support asked (lines, shipping share, note), why one failed, and when an
 * approval expires; `expired` joins their statuses. Orders gain `partially_refunded`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('refunding_amount', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`alter table payments add constraint payments_refunding_non_negative check (refunding_amount >= 0)`.execute(db);
  await sql`alter table payments add constraint payments_refunds_within_captured check (refunded_amount + refunding_amount <= captured_amount)`.execute(db);
  await sql`
    create or replace function apply_payment_ledger_entry() returns trigger language plpgsql as $$
    begin
      update payments set
        authorized_amount = authorized_amount + case when new.kind = 'authorized' then new.amount else 0 end,
        captured_amount = captured_amount + case when new.kind = 'captured' then new.amount else 0 end,
        refunded_amount = refunded_amount + case when new.kind = 'refunded' then new.amount else 0 end,
        refunding_amount = refunding_amount + case
          when new.kind = 'refund_requested' then new.amount
          when new.kind in ('refunded', 'refund_failed') then -new.amount
          else 0 end
      where id = new.payment_id;
      return null;
    end
    $$
  `.execute(db);

  await db.schema
    .alterTable('refunds')
    .addColumn('shipping_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('approval_deadline', 'timestamptz')
    .execute();
  await sql`alter table refunds drop constraint refunds_status_check`.execute(db);
  await sql`
    alter table refunds add constraint refunds_status_check check (status in ('requested', 'awaiting_approval', 'approved',
      'rejected', 'processing', 'succeeded', 'failed', 'cancelled', 'expired'))
  `.execute(db);
  await sql`alter table refunds add constraint refunds_shipping_within_amount check (shipping_amount >= 0 and shipping_amount <= amount)`.execute(db);
  await sql`create index refunds_status_idx on refunds (status)`.execute(db);

  await sql`alter table orders drop constraint orders_status_check`.execute(db);
  await sql`
    alter table orders add constraint orders_status_check check (status in ('pending', 'on_hold', 'rejected', 'confirmed',
      'partially_shipped', 'shipped', 'delivered', 'cancelled', 'returned', 'partially_refunded', 'refunded', 'closed'))
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop constraint orders_status_check`.execute(db);
  // Down is lossy: the statuses this migration added become their nearest older ones.
  await sql`update orders set status = 'delivered' where status = 'partially_refunded'`.execute(db);
  await sql`update refunds set status = 'cancelled' where status = 'expired'`.execute(db);
  await sql`
    alter table orders add constraint orders_status_check check (status in ('pending', 'on_hold', 'rejected', 'confirmed',
      'partially_shipped', 'shipped', 'delivered', 'cancelled', 'returned', 'refunded', 'closed'))
  `.execute(db);
  await sql`drop index refunds_status_idx`.execute(db);
  await sql`alter table refunds drop constraint refunds_shipping_within_amount`.execute(db);
  await sql`alter table refunds drop constraint refunds_status_check`.execute(db);
  await sql`
    alter table refunds add constraint refunds_status_check check (status in ('requested', 'awaiting_approval', 'approved',
      'rejected', 'processing', 'succeeded', 'failed', 'cancelled'))
  `.execute(db);
  await db.schema.alterTable('refunds').dropColumn('shipping_amount').dropColumn('note').dropColumn('failure_reason').dropColumn('approval_deadline').execute();
  await sql`
    create or replace function apply_payment_ledger_entry() returns trigger language plpgsql as $$
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
  await sql`alter table payments drop constraint payments_refunds_within_captured`.execute(db);
  await sql`alter table payments drop constraint payments_refunding_non_negative`.execute(db);
  await db.schema.alterTable('payments').dropColumn('refunding_amount').execute();
}
