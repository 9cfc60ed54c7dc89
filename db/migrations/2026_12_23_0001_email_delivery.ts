import { type Kysely, sql } from 'kysely';

/**
 * What the email sender needs of the outbox and of orders:
 * - `notifications.next_attempt_at`: when a pending row is next due. Claiming a row moves it a
 *   lease ahead, so a sender that dies mid-send leaves the row to be claimed again once the lease
 *   ends; a failed attempt moves it by the backoff.
 * - `orders.locale`: the language and formatting (BCP 47, `de-DE`) the order's emails are written
 *   in; null means "derived from the shipping country".
 * - A notification about an order goes to that order's contact email and nowhere else: the
 *   database refuses any other recipient, whoever writes the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index notifications_due_idx on notifications (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index notifications_failed_idx on notifications (updated_at desc) where status = 'failed'`.execute(db);

  await db.schema
    .alterTable('orders')
    .addColumn('locale', 'text', (c) => c.check(sql`locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'`))
    .execute();

  await sql`
    create function notification_recipient_is_order_contact() returns trigger language plpgsql as $$
    begin
      if new.order_id is not null and not exists (
        select 1 from orders where orders.id = new.order_id and orders.email = new.recipient
      ) then
        raise exception 'notification % is not addressed to its order''s contact email', new.id
          using errcode = 'check_violation', constraint = 'notifications_recipient_is_order_contact';
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger notifications_recipient_is_order_contact before insert or update of recipient, order_id on notifications
    for each row execute function notification_recipient_is_order_contact()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger notifications_recipient_is_order_contact on notifications`.execute(db);
  await sql`drop function notification_recipient_is_order_contact()`.execute(db);
  await db.schema.alterTable('orders').dropColumn('locale').execute();
  await sql`drop index notifications_failed_idx`.execute(db);
  await sql`drop index notifications_due_idx`.execute(db);
  await db.schema.alterTable('notifications').dropColumn('next_attempt_at').execute();
}
