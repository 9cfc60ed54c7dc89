import { type Kysely, sql } from 'kysely';

/**
 * A refund the provider reported succeeded can still fail later (the card was closed: Stripe's
 * `refund.failed`). Its `refund_failed` row then names the same provider reference as its
 * `refunded` row, and gives the money back to the captured balance: refunded_amount goes down.
 * A `refund_failed` row of a refund that never succeeded (refused, expired) releases what its
 * request held (refunding_amount), as before. Either way refunded + refunding <= captured holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function apply_payment_ledger_entry() returns trigger language plpgsql as $$
    declare
      reverses_refund boolean := new.kind = 'refund_failed' and new.provider_reference is not null and exists (
        select 1 from payment_ledger l
        where l.payment_id = new.payment_id and l.kind = 'refunded' and l.provider_reference = new.provider_reference and l.id <> new.id);
    begin
      update payments set
        authorized_amount = authorized_amount + case when new.kind = 'authorized' then new.amount else 0 end,
        captured_amount = captured_amount + case when new.kind = 'captured' then new.amount else 0 end,
        refunded_amount = refunded_amount + case
          when new.kind = 'refunded' then new.amount
          when reverses_refund then -new.amount
          else 0 end,
        refunding_amount = refunding_amount + case
          when new.kind = 'refund_requested' then new.amount
          when new.kind = 'refunded' then -new.amount
          when new.kind = 'refund_failed' and not reverses_refund then -new.amount
          else 0 end
      where id = new.payment_id;
      return null;
    end
    $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
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
}
