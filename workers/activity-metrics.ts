import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** The activities that call the carrier: their failed attempts are the carrier's error rate. */
const carrierActivities = new Set(['verifyShippingAddress', 'chooseShippingRate', 'buyShippingLabel', 'voidShippingLabel', 'handOverToCarrier', 'fetchShipmentTracking']);

/** Business facts that one activity's completion records, named the way ops alert on them. */
const completionFacts: Record<string, { name: string; help: string }> = {
  buyShippingLabel: { name: 'labels_bought', help: 'Shipping labels bought (a retried purchase that found its label counts once)' },
  capturePayment: { name: 'payment_captures', help: 'Captures taken from an authorization' },
};

/** The email sender's round: each email sent, put off for a retry, or given up on (failed), counted by outcome. */
const EMAIL_SENDER = 'sendDueEmails';
type EmailRound = Partial<Record<'sent' | 'retrying' | 'failed', number>>;

/**
 * Counts business facts as the worker's activities complete, on the Runtime's meter: they are
 * served beside the SDK's own metrics on the worker's Prometheus endpoint, with the activity type,
 * task queue and namespace as their only labels (no customer data). With `countersTotalSuffix`
 * they read `labels_bought_total`, `carrier_requests_total{outcome}`, and so on.
 */
export const activityMetrics: ActivityInterceptorsFactory = (ctx) => {
  const activity = ctx.info.activityType;
  const carrierRequests = carrierActivities.has(activity)
    ? ctx.metricMeter.createCounter('carrier_requests', undefined, 'Carrier calls by activity and outcome (an attempt that threw is a failure)')
    : undefined;
  const fact = completionFacts[activity];
  const emails = activity === EMAIL_SENDER ? ctx.metricMeter.createCounter('emails', undefined, 'Emails from the outbox by outcome: sent, retrying (an attempt failed, another is due) or failed (given up on)') : undefined;
  return {
    inbound: {
      async execute(input, next) {
        try {
          const result = await next(input);
          carrierRequests?.add(1, { outcome: 'completed' });
          if (fact) ctx.metricMeter.createCounter(fact.name, undefined, fact.help).add(1);
          if (emails) for (const outcome of ['sent', 'retrying', 'failed'] as const) if ((result as EmailRound)[outcome]) emails.add((result as EmailRound)[outcome]!, { outcome });
          return result;
        } catch (error) {
          carrierRequests?.add(1, { outcome: 'failed' });
          throw error;
        }
      },
    },
  };
};
