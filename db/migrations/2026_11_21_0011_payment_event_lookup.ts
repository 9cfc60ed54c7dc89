import { type Kysely, sql } from 'kysely';

/** An order workflow reads the events of its PaymentIntent that arrived before it was listening. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index payment_events_payment_intent_idx on payment_events (provider, (payload->>'paymentIntentId'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index payment_events_payment_intent_idx`.execute(db);
}
