import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { recordPaymentEvent } from '../../db/payment-events';
import type { PaymentEvent } from '../../workflows/order/order.messages';

/** A webhook that was stored but whose signal failed, received `ageSeconds` ago. */
export async function storedPaymentEvent(db: Kysely<Database>, orderId: string | null, ageSeconds: number, paymentIntentId = `pi_${randomUUID().replaceAll('-', '')}`) {
  const event: PaymentEvent = {
    provider: 'stripe',
    eventId: `evt_${randomUUID().replaceAll('-', '')}`,
    type: 'payment_intent.amount_capturable_updated',
    paymentIntentId,
    createdAt: Math.floor(Date.now() / 1000),
    amountCapturable: 5000,
  };
  const { id } = await recordPaymentEvent(db, { event, orderId, paymentIdHint: null, raw: { id: event.eventId } });
  await db
    .updateTable('payment_events')
    .set({ received_at: sql<Date>`now() - make_interval(secs => ${ageSeconds})` })
    .where('id', '=', id)
    .execute();
  return { id, event };
}
