import type { Kysely } from 'kysely';

/** The carrier's public tracking page for the parcel's label (EasyPost's tracker `public_url`): the link its emails and its page show. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').addColumn('tracking_url', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').dropColumn('tracking_url').execute();
}
