import { type Kysely, sql } from 'kysely';

/**
 * What buying a label idempotently needs: our reference at the carrier, the carrier's shipment id
 * (written before the label is bought, so a retry finds it), what the chosen rate was quoted at
 * beside what the label cost, the carrier's tracker, and a voided label's refund.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('shipments')
    .addColumn('carrier_reference', 'text')
    .addColumn('carrier_shipment_id', 'text')
    .addColumn('carrier_tracker_id', 'text')
    .addColumn('quoted_amount', 'bigint')
    .addColumn('quoted_currency', 'char(3)')
    .addColumn('refund_status', 'text')
    .execute();
  await sql`alter table shipments add constraint shipments_carrier_reference_key unique (carrier_reference)`.execute(db);
  await sql`alter table shipments add constraint shipments_quoted_non_negative check (quoted_amount >= 0)`.execute(db);
  await sql`alter table shipments add constraint shipments_quoted_with_currency check ((quoted_amount is null) = (quoted_currency is null))`.execute(db);
  await sql`alter table shipments add constraint shipments_quoted_currency_format check (quoted_currency ~ '^[A-Z]{3}$')`.execute(db);
  await sql`alter table shipments add constraint shipments_refund_status_check check (refund_status in ('submitted', 'refunded', 'rejected'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const constraint of ['shipments_refund_status_check', 'shipments_quoted_currency_format', 'shipments_quoted_with_currency', 'shipments_quoted_non_negative', 'shipments_carrier_reference_key']) {
    await db.schema.alterTable('shipments').dropConstraint(constraint).execute();
  }
  await db.schema
    .alterTable('shipments')
    .dropColumn('refund_status')
    .dropColumn('quoted_currency')
    .dropColumn('quoted_amount')
    .dropColumn('carrier_tracker_id')
    .dropColumn('carrier_shipment_id')
    .dropColumn('carrier_reference')
    .execute();
}
