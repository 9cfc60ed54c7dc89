import type { Response } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { CheckoutResult } from '../../workflows/order/order.messages';

export type WebhookSource = 'stripe' | 'carrier';
export type WebhookOutcome = 'signalled' | 'stored' | 'duplicate' | 'ignored';

/** What the API's routes report as business facts: counters by outcome, never by customer or id. */
export interface BusinessMetrics {
  /** Counts checkout's answer: confirmed, on_hold, rejected (with its reason: OutOfStock is an oversell refusal) or failed. */
  checkoutAnswered(result: CheckoutResult): void;
  /** Starts counting one webhook delivery: the outcome it is acknowledged with, or `rejected` when it is answered with an error. */
  webhookReceived(source: WebhookSource, res: Response): (outcome: WebhookOutcome) => void;
}

export function businessMetrics(registry: Registry): BusinessMetrics {
  const checkouts = new Counter({
    name: 'checkouts_total',
    help: 'Checkouts answered, by outcome and, for a rejection, its reason (reason="OutOfStock" counts oversell refusals)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'webhooks_received_total',
    help: 'Webhook deliveries by source and outcome: signalled, stored, duplicate, ignored, or rejected (bad signature or body)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  return {
    checkoutAnswered(result) {
      checkouts.inc({ outcome: result.status, reason: result.status === 'rejected' ? result.reason.type : 'none' });
    },
    webhookReceived(source, res) {
      let acknowledged: WebhookOutcome | undefined;
      res.once('finish', () => webhooks.inc({ source, outcome: res.statusCode < 400 && acknowledged ? acknowledged : 'rejected' }));
      return (outcome) => {
        acknowledged = outcome;
      };
    },
  };
}
