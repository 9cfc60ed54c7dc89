import { type Kysely, sql } from 'kysely';

/**
 * A received return asks its order for the refund of the accepted units. The return keeps the
 * order's answer: refund_requested with the refund it started (refund_id, the refund's amount,
 * tax and any shipping share included), refund_refused with the order's reason, or
 * nothing_to_refund when no unit was accepted. refund_pending stays for returns received before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('returns').addColumn('refund_id', 'uuid', (c) => c.unique()).addColumn('refund_refusal', 'text').execute();
  await sql`
    alter table returns
      drop constraint returns_refund_status_check,
      add constraint returns_refund_status_check check (refund_status in ('refund_pending', 'refund_requested', 'refund_refused', 'nothing_to_refund')),
      add constraint returns_refund_requested_has_refund check ((refund_status = 'refund_requested') = (refund_id is not null)),
      add constraint returns_refund_refused_has_reason check ((refund_status = 'refund_refused') = (refund_refusal is not null)),
      add constraint returns_refund_only_when_received check (refund_status is null or status = 'received')
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The earlier schema knew no refusal: such returns go back to "no refund recorded".
  await sql`update returns set refund_status = null, refund_amount = null where refund_status in ('refund_refused', 'nothing_to_refund')`.execute(db);
  await sql`
    alter table returns
      drop constraint returns_refund_only_when_received,
      drop constraint returns_refund_refused_has_reason,
      drop constraint returns_refund_requested_has_refund,
      drop constraint returns_refund_status_check,
      drop column refund_refusal,
      drop column refund_id,
      add constraint returns_refund_status_check check (refund_status in ('refund_pending', 'refund_requested'))
  `.execute(db);
}
