import { Context, log } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findUndeliveredPaymentEvents, markPaymentEventProcessed } from '../../db/payment-events';
import { signalPaymentEvent } from '../../platform/temporal/signal-payment-event';

export interface StoredPaymentEventsDelivered {
  /** Undelivered events found: fewer than the limit means none are left. */
  found: number;
  /** Signalled to their order's workflow. */
  delivered: number;
  /** Their order's workflow had closed (or was never there): nothing to deliver, the row stays as the audit. */
  undeliverable: number;
}

/**
 * Signals stored events whose webhook could not (Temporal unreachable, no workflow yet) to
 * their order's workflow, through the worker's own client, and marks them processed. The
 * workflow counts each event id once, so a retry after a lost answer delivers nothing twice.
 */
export async function deliverStoredPaymentEvents(db: Kysely<Database>, { graceSeconds, limit }: { graceSeconds: number; limit: number }): Promise<StoredPaymentEventsDelivered> {
  const events = await findUndeliveredPaymentEvents(db, { graceSeconds, limit });
  const { client } = Context.current();
  let delivered = 0;
  let undeliverable = 0;
  for (const { id, orderId, event } of events) {
    try {
      await signalPaymentEvent(client, orderId, event);
      delivered += 1;
    } catch (error) {
      // A closed workflow is refused as not found too: its order no longer acts on payment events.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      log.info('order workflow closed or unknown; payment event marked processed without delivery', { orderId, eventId: event.eventId, type: event.type });
      undeliverable += 1;
    }
    await markPaymentEventProcessed(db, id);
  }
  if (events.length > 0) log.info('stored payment events redelivered', { delivered, undeliverable });
  return { found: events.length, delivered, undeliverable };
}
