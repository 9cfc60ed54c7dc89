import { sql, type Kysely, type Transaction } from 'kysely';
import type { PaymentEvent } from '../domain/payment-event';
import type { Database, JsonObject } from './database';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewPaymentEvent {
  event: PaymentEvent;
  /** The order it is about, when known. */
  orderId: string | null;
  /** Our payments row id as the provider echoed it back (PaymentIntent metadata), when it did. */
  paymentIdHint: string | null;
  /** The provider's event exactly as verified, for audit and replays. */
  raw: JsonObject;
}

export interface RecordedPaymentEvent {
  id: number;
  /** True when this provider event id was recorded before: nothing was written this time. */
  duplicate: boolean;
  paymentId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records a provider event once (the unique provider event id is the guard). The payment it is
 * about is linked when we know it: by the provider's id for it, or by our id it carries.
 */
export async function recordPaymentEvent(db: Db, input: NewPaymentEvent): Promise<RecordedPaymentEvent> {
  const { event } = input;
  const hint = input.paymentIdHint && UUID.test(input.paymentIdHint) ? input.paymentIdHint : null;
  const payload: JsonObject = {
    provider: event.provider,
    eventId: event.eventId,
    type: event.type,
    paymentIntentId: event.paymentIntentId,
    createdAt: event.createdAt,
    ...(event.amountCapturable !== undefined && { amountCapturable: event.amountCapturable }),
    ...(event.amountReceived !== undefined && { amountReceived: event.amountReceived }),
    ...(event.refund && { refund: { ...event.refund } }),
    orderId: input.orderId,
    raw: input.raw,
  };
  const inserted = await db
    .insertInto('payment_events')
    .values({
      provider: event.provider,
      provider_event_id: event.eventId,
      type: event.type,
      payload,
      payment_id: sql<string | null>`coalesce(
        (select id from payments where provider = ${event.provider} and external_id = ${event.paymentIntentId}),
        (select id from payments where id = ${hint}::uuid)
      )`,
    })
    .onConflict((oc) => oc.columns(['provider', 'provider_event_id']).doNothing())
    .returning(['id', 'payment_id'])
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, duplicate: false, paymentId: inserted.payment_id };
  const existing = await db
    .selectFrom('payment_events')
    .select(['id', 'payment_id'])
    .where('provider', '=', event.provider)
    .where('provider_event_id', '=', event.eventId)
    .executeTakeFirstOrThrow();
  return { id: existing.id, duplicate: true, paymentId: existing.payment_id };
}

/** The order workflow has the event (its signal was delivered). */
export async function markPaymentEventProcessed(db: Db, id: number): Promise<void> {
  await db.updateTable('payment_events').set({ processed_at: sql<Date>`now()` }).where('id', '=', id).where('processed_at', 'is', null).execute();
}

export interface UndeliveredPaymentEvent {
  id: number;
  orderId: string;
  event: PaymentEvent;
}

/**
 * Recorded events no order workflow was given (their signal failed, or the workflow was not
 * there), oldest first. Only events older than `graceSeconds`, so the webhook request that stored
 * one has had its chance to signal, and only events whose order is known: from the event itself,
 * from the payment it was linked to, or from a payment that learned its provider id later.
 */
export async function findUndeliveredPaymentEvents(db: Db, { graceSeconds, limit }: { graceSeconds: number; limit: number }): Promise<UndeliveredPaymentEvent[]> {
  const orderId = sql<string | null>`coalesce(e.payload->>'orderId', linked.order_id::text, by_intent.order_id::text)`;
  const rows = await db
    .selectFrom('payment_events as e')
    .leftJoin('payments as linked', 'linked.id', 'e.payment_id')
    .leftJoin('payments as by_intent', (join) =>
      join.onRef('by_intent.provider', '=', 'e.provider').on(sql<boolean>`by_intent.external_id = e.payload->>'paymentIntentId'`),
    )
    .select(['e.id', 'e.payload', orderId.as('order_id')])
    .where('e.processed_at', 'is', null)
    .where('e.received_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)
    .where(orderId, 'is not', null)
    .orderBy('e.received_at')
    .orderBy('e.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, orderId: row.order_id!, event: toStoredEvent(row.payload) }));
}

/**
 * Every recorded event about a PaymentIntent, oldest first as the provider stamped them (then by
 * arrival): what a workflow that starts late, or missed a signal, reads to catch up. The same
 * event may also arrive as a signal, so readers deduplicate by eventId.
 */
export async function findPaymentEvents(db: Db, paymentIntentId: string): Promise<PaymentEvent[]> {
  const rows = await db
    .selectFrom('payment_events')
    .select('payload')
    .where('provider', '=', 'stripe')
    .where(sql`payload->>'paymentIntentId'`, '=', paymentIntentId)
    .orderBy(sql`(payload->>'createdAt')::bigint`)
    .orderBy('id')
    .execute();
  return rows.map(({ payload }) => toStoredEvent(payload));
}

/** The provider's id for a payment as its events report it: how a payment whose authorization answer was lost is found. */
export async function findExternalIdFromEvents(db: Db, paymentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('payment_events')
    .select(sql<string>`payload->>'paymentIntentId'`.as('paymentIntentId'))
    .where('payment_id', '=', paymentId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.paymentIntentId ?? undefined;
}

function toStoredEvent(payload: JsonObject): PaymentEvent {
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const amountCapturable = number(payload.amountCapturable);
  const amountReceived = number(payload.amountReceived);
  const refund = payload.refund as PaymentEvent['refund'] | undefined;
  return {
    provider: 'stripe',
    eventId: String(payload.eventId),
    type: String(payload.type),
    paymentIntentId: String(payload.paymentIntentId),
    createdAt: Number(payload.createdAt),
    ...(amountCapturable !== undefined && { amountCapturable }),
    ...(amountReceived !== undefined && { amountReceived }),
    ...(refund && typeof refund === 'object' && { refund }),
  };
}
