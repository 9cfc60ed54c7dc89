import { WorkflowNotFoundError } from '@temporalio/client';
import type { Request } from 'express';
import Stripe from 'stripe';
import { z } from 'zod';
import type { JsonObject } from '../../db/database';
import { markPaymentEventProcessed, recordPaymentEvent } from '../../db/payment-events';
import { findPaymentByExternalId } from '../../db/payments';
import { signalPaymentEvent } from '../../platform/temporal/signal-payment-event';
import { orderWorkflowId, type PaymentEvent } from '../../workflows/order/order.messages';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import type { BusinessMetrics } from '../metrics/business-metrics';
import { Problem } from '../http/problem';

/** Stripe waits for the answer; a slow or unreachable Temporal must not hold it (the event is stored). */
const SIGNAL_DEADLINE_MS = 2_000;
/** Stripe's own default: a signature older (or, checked here, newer) than this is refused. */
const SIGNATURE_TOLERANCE_S = 300;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Only what routing needs; the verified event is stored whole.
const stripeEvent = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative(),
  data: z.object({
    object: z.object({
      object: z.string(),
      id: z.string().optional(),
      payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
      metadata: z.record(z.string(), z.string()).nullish(),
      amount_capturable: z.number().int().optional(),
      amount_received: z.number().int().optional(),
      status: z.string().nullish(),
      failure_reason: z.string().nullish(),
    }),
  }),
});
type StripeEventObject = z.infer<typeof stripeEvent>['data']['object'];

const acknowledgement = z.object({
  received: z.literal(true),
  outcome: z
    .enum(['signalled', 'stored', 'duplicate', 'ignored'])
    .describe(
      'signalled: stored and delivered to the order workflow; stored: kept for the workflow to read (no order, no workflow yet, or Temporal unreachable); duplicate: seen before, nothing done; ignored: not about a PaymentIntent',
    ),
});
type Acknowledgement = z.infer<typeof acknowledgement>;

export function stripeWebhookRoutes(api: ApiRouter, { stripe, config, db, temporal }: AppDeps, metrics: BusinessMetrics): void {
  api.route(
    {
      method: 'post',
      path: '/webhooks/stripe',
      operationId: 'receiveStripeWebhook',
      rateLimit: 'webhooks',
      summary: 'Stripe webhook endpoint',
      description:
        "Called by Stripe, not by clients. The body is a Stripe event (JSON) signed in the `Stripe-Signature` header with the endpoint's secret; the signature is checked over the exact bytes received and refused when older than 5 minutes. Each event is recorded once, then delivered as the `paymentEvent` signal to the order's workflow `order-<orderId>` (found from the PaymentIntent's `metadata.orderId` or our payment record); a refund's events (`refund.updated`, `refund.failed`) go as `refundEvent` to `refund-<refundId>`, named by the refund's `metadata.refundId`. A redelivered event is acknowledged and ignored; an event whose workflow cannot be reached is kept for the workflow to read.",
      tag: 'Webhooks',
      responses: {
        200: { description: 'Acknowledged', schema: acknowledgement },
        400: { description: 'Bad or stale signature, or not a Stripe event', problems: ['validation-failed', 'malformed-json'] },
      },
    },
    async ({ req, res }) => {
      const acknowledged = metrics.webhookReceived('stripe', res);
      const raw = verifiedEvent(req);
      const parsed = stripeEvent.safeParse(raw);
      if (!parsed.success) {
        throw new Problem('validation-failed', 'The signed body is not a Stripe event.', {
          errors: parsed.error.issues.map((issue) => ({ in: 'body', path: issue.path.join('.'), code: issue.code, message: issue.message })),
        });
      }
      const event = parsed.data;
      const object = event.data.object;
      const paymentIntentId = paymentIntentOf(object);
      const answer = (outcome: Acknowledgement['outcome']): void => {
        acknowledged(outcome);
        res.json({ received: true, outcome } satisfies Acknowledgement);
      };
      if (!paymentIntentId) return answer('ignored');

      const metadataOrderId = object.metadata?.orderId;
      const orderId =
        metadataOrderId && UUID.test(metadataOrderId)
          ? metadataOrderId
          : ((await findPaymentByExternalId(db, 'stripe', paymentIntentId))?.order_id ?? null);
      const paymentEvent: PaymentEvent = {
        provider: 'stripe',
        eventId: event.id,
        type: event.type,
        paymentIntentId,
        createdAt: event.created,
        ...(object.object === 'payment_intent' && object.amount_capturable !== undefined && { amountCapturable: object.amount_capturable }),
        ...(object.object === 'payment_intent' && object.amount_received !== undefined && { amountReceived: object.amount_received }),
        ...(object.object === 'refund' &&
          object.id &&
          object.metadata?.refundId &&
          UUID.test(object.metadata.refundId) && {
            refund: {
              refundId: object.metadata.refundId,
              providerReference: object.id,
              ...(object.status && { status: object.status }),
              ...(object.failure_reason && { failureReason: object.failure_reason }),
            },
          }),
      };
      const recorded = await recordPaymentEvent(db, {
        event: paymentEvent,
        orderId,
        paymentIdHint: object.metadata?.paymentId ?? null,
        raw: raw as JsonObject,
      });
      if (recorded.duplicate) return answer('duplicate');
      if (!orderId) return answer('stored');

      const workflowId = orderWorkflowId(orderId);
      try {
        await temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => signalPaymentEvent(temporal, orderId, paymentEvent));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          req.log.info({ workflowId, eventId: event.id }, 'no running order workflow; payment event kept for it');
        } else {
          req.log.warn({ err: error, workflowId, eventId: event.id }, 'could not signal the order workflow; payment event kept for it');
        }
        return answer('stored');
      }
      await markPaymentEventProcessed(db, recorded.id);
      return answer('signalled');
    },
  );

  /**
   * 400 rather than 401: there is no credential the caller could send instead (so no
   * WWW-Authenticate), and Stripe treats any non-2xx as "retry later", which is right for a
   * signature made with a rotated secret and harmless for a forgery.
   */
  function verifiedEvent(req: Request): unknown {
    const header = req.headers['stripe-signature'];
    let event: unknown;
    try {
      event = stripe.webhooks.constructEvent(req.rawBody ?? '', header ?? '', config.stripe.webhookSecret, SIGNATURE_TOLERANCE_S);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      if (/tolerance/i.test(error.message)) throw signatureProblem('stale_timestamp', `Signed more than ${SIGNATURE_TOLERANCE_S / 60} minutes ago.`);
      throw signatureProblem('invalid_signature', "Not signed with this endpoint's secret.");
    }
    // The SDK only refuses old signatures; one dated ahead of our clock by more than the
    // tolerance is as replayable later, so it is refused too.
    const signedAt = Number(/(?:^|,)t=(\d+)/.exec(String(header))?.[1]);
    if (signedAt * 1000 > Date.now() + SIGNATURE_TOLERANCE_S * 1000) {
      throw signatureProblem('future_timestamp', `Signed more than ${SIGNATURE_TOLERANCE_S / 60} minutes in the future.`);
    }
    return event;
  }
}

function signatureProblem(code: 'stale_timestamp' | 'future_timestamp' | 'invalid_signature', message: string): Problem {
  const detail = code === 'invalid_signature' ? 'The Stripe-Signature does not match the body.' : 'The Stripe-Signature timestamp is outside the tolerance.';
  return new Problem('validation-failed', detail, { errors: [{ in: 'header', path: 'Stripe-Signature', code, message }] });
}

function paymentIntentOf(object: StripeEventObject): string | null {
  if (object.object === 'payment_intent') return object.id ?? null;
  const reference = object.payment_intent;
  if (typeof reference === 'string') return reference;
  return reference?.id ?? null;
}
