import { sql, type Kysely } from 'kysely';

/**
 * What the customer paid to ship this parcel: its share of the order's shipping, written when the
 * order is confirmed. Beside cost_* (what its label cost) it gives ops the shipping margin per
 * parcel, and summed, per order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').addColumn('charged_amount', 'integer').addColumn('charged_currency', 'text').execute();
  await db.schema.alterTable('shipments').addCheckConstraint('shipments_charged_non_negative', sql`charged_amount >= 0`).execute();
  await db.schema.alterTable('shipments').addCheckConstraint('shipments_charged_with_currency', sql`(charged_amount is null) = (charged_currency is null)`).execute();
  await db.schema.alterTable('shipments').addCheckConstraint('shipments_charged_currency_format', sql`charged_currency ~ '^[A-Z]{3}$'`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').dropColumn('charged_currency').dropColumn('charged_amount').execute();
}
