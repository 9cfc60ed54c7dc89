import { createHmac, timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Request } from 'express';
import { z } from 'zod';
import type { JsonObject } from '../../db/database';
import { findShipmentForCarrierEvent, recordShipmentEvent } from '../../db/shipments';
import { trackingStatuses, type TrackingEvent, type TrackingStatus } from '../../domain/tracking';
import { shipmentWorkflowId, trackingEventSignal } from '../../workflows/shipment/ship-parcel.messages';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import type { BusinessMetrics } from '../metrics/business-metrics';
import { Problem } from '../http/problem';

/** The carrier waits for the answer; a slow or unreachable Temporal must not hold it (the event is stored). */
const SIGNAL_DEADLINE_MS = 2_000;

// Only what routing needs; the verified event is stored whole.
const carrierEvent = z.object({
  id: z.string().min(1).max(255),
  object: z.literal('Event'),
  description: z.string().max(255),
  created_at: z.string().max(64),
  result: z
    .object({
      object: z.string().max(64),
      id: z.string().max(255).nullish(),
      tracking_code: z.string().max(255).nullish(),
      status: z.string().max(64).nullish(),
      carrier: z.string().max(255).nullish(),
      shipment_id: z.string().max(255).nullish(),
      reference: z.string().max(255).nullish(),
      tracking_details: z.array(z.object({ status: z.string().nullish(), datetime: z.string().nullish() })).nullish(),
    })
    .passthrough(),
});
type CarrierEvent = z.infer<typeof carrierEvent>;

const acknowledgement = z.object({
  received: z.literal(true),
  outcome: z
    .enum(['signalled', 'stored', 'duplicate', 'ignored'])
    .describe(
      "signalled: stored and delivered to the parcel's workflow; stored: kept for the workflow to read when it tracks (no workflow yet, or Temporal unreachable); duplicate: seen before, delivered again (the workflow counts each event once); ignored: not a tracker event, or not one of our parcels",
    ),
});
type Acknowledgement = z.infer<typeof acknowledgement>;

const isTrackingStatus = (status: string | null | undefined): status is TrackingStatus => (trackingStatuses as readonly (string | null | undefined)[]).includes(status);

export function carrierWebhookRoutes(api: ApiRouter, { config, db, temporal }: AppDeps, metrics: BusinessMetrics): void {
  api.route(
    {
      method: 'post',
      path: '/webhooks/carrier',
      operationId: 'receiveCarrierWebhook',
      rateLimit: 'webhooks',
      summary: 'Carrier (EasyPost) webhook endpoint',
      description:
        "Called by EasyPost, not by clients. The body is an EasyPost `Event` signed in `X-Hmac-Signature: hmac-sha256-hex=<HMAC-SHA256 of the exact bytes received>` with the webhook's secret. Each tracker event is recorded once (`shipment_events`, by the carrier's event id) against the parcel found by its tracking code, the carrier's shipment id or our reference, then delivered as the `trackingEvent` signal to the parcel's workflow `shipment-<shipmentId>`. An event its workflow cannot take yet is kept: the workflow reads stored events when it starts tracking.",
      tag: 'Webhooks',
      responses: {
        200: { description: 'Acknowledged', schema: acknowledgement },
        400: { description: 'Bad signature, or not an EasyPost event', problems: ['validation-failed', 'malformed-json'] },
      },
    },
    async ({ req, res }) => {
      const acknowledged = metrics.webhookReceived('carrier', res);
      throwIfNotSigned(req, config.carrier?.webhookSecret);
      const parsed = carrierEvent.safeParse(req.body);
      if (!parsed.success) {
        throw new Problem('validation-failed', 'The signed body is not an EasyPost event.', {
          errors: parsed.error.issues.map((issue) => ({ in: 'body', path: issue.path.join('.'), code: issue.code, message: issue.message })),
        });
      }
      const event = parsed.data;
      const answer = (outcome: Acknowledgement['outcome']): void => {
        acknowledged(outcome);
        res.json({ received: true, outcome } satisfies Acknowledgement);
      };
      const tracker = event.result;
      if (tracker.object !== 'Tracker' || !isTrackingStatus(tracker.status)) return answer('ignored');
      const shipment = await findShipmentForCarrierEvent(db, { trackingCode: tracker.tracking_code ?? null, carrierShipmentId: tracker.shipment_id ?? null, reference: tracker.reference ?? null });
      if (!shipment) return answer('ignored');

      const trackingEvent: TrackingEvent = { eventId: event.id, status: tracker.status, occurredAt: occurredAt(event) };
      const recorded = await recordShipmentEvent(db, {
        shipmentId: shipment.id,
        carrier: 'easypost',
        carrierEventId: event.id,
        status: tracker.status,
        description: event.description,
        occurredAt: new Date(trackingEvent.occurredAt),
        payload: req.body as JsonObject,
      });
      const workflowId = shipmentWorkflowId(shipment.id);
      try {
        await temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).signal(trackingEventSignal, trackingEvent));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) req.log.info({ workflowId, eventId: event.id }, 'no running parcel workflow; tracking event kept for it');
        else req.log.warn({ err: error, workflowId, eventId: event.id }, 'could not signal the parcel workflow; tracking event kept for it');
        return answer(recorded.duplicate ? 'duplicate' : 'stored');
      }
      return answer(recorded.duplicate ? 'duplicate' : 'signalled');
    },
  );
}

/**
 * EasyPost's signature: HMAC-SHA256 of the raw body, keyed by the NFKD-normalised secret. A 400
 * (there is no other credential to send), which EasyPost retries, harmless for a forgery.
 */
function throwIfNotSigned(req: Request, secret: string | undefined): void {
  const given = req.headers['x-hmac-signature'];
  const expected = secret && `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(req.rawBody ?? Buffer.alloc(0)).digest('hex')}`;
  const matches = typeof given === 'string' && expected && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!matches) {
    throw new Problem('validation-failed', 'The X-Hmac-Signature does not match the body.', {
      errors: [{ in: 'header', path: 'X-Hmac-Signature', code: secret ? 'invalid_signature' : 'not_configured', message: secret ? "Not signed with this endpoint's secret." : 'No carrier webhook secret is configured.' }],
    });
  }
}

/** When the carrier says it happened: its newest detail of that status, else when the event was made. */
function occurredAt(event: CarrierEvent): number {
  const details = event.result.tracking_details ?? [];
  const detail = [...details].reverse().find((d) => d.status === event.result.status && d.datetime);
  const at = Date.parse(detail?.datetime ?? event.created_at);
  return Number.isFinite(at) ? at : Date.now();
}
