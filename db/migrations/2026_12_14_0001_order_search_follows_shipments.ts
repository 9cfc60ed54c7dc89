import { type Kysely, sql } from 'kysely';

/**
 * Support finds orders by tracking number and parcel state, so the order's search document holds
 * its parcels, and a parcel's change is a change of its order: a trigger bumps the order's
 * search_version when a shipments row is inserted or its status, carrier or tracking number
 * changes, so no writer can forget and the catch-up schedule re-indexes the order. (The order's
 * updated_at moves with it: the order's document did change.) Orders that already have parcels
 * are bumped once, so the catch-up writes their documents with the new fields.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function bump_order_search_version_for_shipment() returns trigger language plpgsql as $$
    begin
      -- the orders trigger bump_search_version does the bump; this only touches the row
      update orders set search_version = search_version where id = new.order_id;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger shipments_inserted_bump_order_search after insert on shipments
    for each row execute function bump_order_search_version_for_shipment()
  `.execute(db);
  await sql`
    create trigger shipments_changed_bump_order_search after update of status, carrier, tracking_number on shipments
    for each row when (old.status is distinct from new.status or old.carrier is distinct from new.carrier or old.tracking_number is distinct from new.tracking_number)
    execute function bump_order_search_version_for_shipment()
  `.execute(db);
  // A backfill, not a change of the orders: their updated_at stays as it is.
  await sql`alter table orders disable trigger orders_set_updated_at`.execute(db);
  await sql`update orders set search_version = search_version where id in (select order_id from shipments)`.execute(db);
  await sql`alter table orders enable trigger orders_set_updated_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger shipments_changed_bump_order_search on shipments`.execute(db);
  await sql`drop trigger shipments_inserted_bump_order_search on shipments`.execute(db);
  await sql`drop function bump_order_search_version_for_shipment()`.execute(db);
}
