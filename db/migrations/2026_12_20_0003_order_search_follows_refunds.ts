import { type Kysely, sql } from 'kysely';

/**
 * Support finds orders by the state of their refunds, so a refund inserted, or its status changed,
 * is a change of its order's search document: the order's search_version is bumped (through the
 * orders trigger) and the catch-up schedule re-indexes it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function bump_order_search_version_for_refund() returns trigger language plpgsql as $$
    begin
      update orders set search_version = search_version where id = new.order_id;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger refunds_inserted_bump_order_search after insert on refunds
    for each row execute function bump_order_search_version_for_refund()
  `.execute(db);
  await sql`
    create trigger refunds_changed_bump_order_search after update of status on refunds
    for each row when (old.status is distinct from new.status)
    execute function bump_order_search_version_for_refund()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger refunds_changed_bump_order_search on refunds`.execute(db);
  await sql`drop trigger refunds_inserted_bump_order_search on refunds`.execute(db);
  await sql`drop function bump_order_search_version_for_refund()`.execute(db);
}
