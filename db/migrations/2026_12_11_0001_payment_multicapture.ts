import type { Kysely } from 'kysely';

/**
 * Whether the provider lets this authorization be captured in parts (Stripe's multicapture on
 * the charge): it decides whether each parcel captures its share at handover, or the first
 * handover captures the whole order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('multicapture', 'boolean', (col) => col.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('multicapture').execute();
}
