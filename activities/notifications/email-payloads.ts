import { z } from 'zod';

/**
 * The payload each email template reads, as queued in `notifications.payload`: the documented
 * shape for whoever queues one. Unknown fields are ignored, so a queuer may add more; a payload
 * that does not match is never sent (the notification is marked failed with the reason).
 * Amounts are integer minor units with their ISO currency (`{ amount: 1999, currency: 'EUR' }`).
 */
const money = z.object({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) });
const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * A parcel as the shipped and late emails list it (`ParcelTracking` of the shipment workflow). A
 * tracking link that is not http(s) is left out of the email rather than stopping it.
 */
const parcel = z.object({
  shipmentId: z.string().optional(),
  carrier: z.string().nullish(),
  trackingNumber: z.string().nullish(),
  trackingUrl: z.string().nullish(),
});

export const emailPayloads = {
  'order-confirmed': z.object({ total: money }),
  'order-on-hold': z.object({ total: money }),
  /** `reason` is internal (a risk or support note) and never shown to the customer. */
  'order-rejected': z.object({ reason: z.string().optional() }),
  'order-cancelled': z.object({ reason: z.string().optional() }),
  'order-partially-shipped': z.object({ shipmentId: z.string(), parcels: z.array(parcel).min(1) }),
  'order-shipped': z.object({ shipmentId: z.string(), parcels: z.array(parcel).min(1) }),
  'order-late': z.object({ shipmentId: z.string(), parcel }),
  'order-delivered': z.object({}),
  /** A refund that reached the customer's payment method. */
  'refund-issued': z.object({ refundId: z.string().optional(), amount: money }),
  /** A refund the provider could not complete: support will be in touch. */
  'refund-failed': z.object({ refundId: z.string().optional(), amount: money }),
  /** A return authorised: the label to print, and by when the parcel must be handed over. */
  'return-label': z.object({
    rmaId: z.string(),
    labelUrl: httpUrl,
    carrier: z.string().nullish(),
    trackingNumber: z.string().nullish(),
    returnBy: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
  }),
  /**
   * Not about an order: the subscriber's own address is the recipient (`order_id` null), so the
   * payload carries the language and the price's currency.
   */
  'back-in-stock': z.object({
    sku: z.string(),
    productName: z.string(),
    productUrl: httpUrl.nullish(),
    price: money.nullish(),
    locale: z.string().nullish(),
  }),
  /** To support (RETURN_SUPPORT_EMAIL), not a customer: a return waited past its approval deadline and expired. */
  'return-approval-expired': z.object({ rmaId: z.string(), orderId: z.string() }),
  /** To ops (OPS_ALERT_EMAIL), not a customer: a SKU fell below its threshold in a warehouse (domain/stock-notifications.ts). */
  'low-stock': z.object({
    sku: z.string(),
    productName: z.string(),
    warehouseCode: z.string(),
    available: z.number().int(),
    threshold: z.number().int(),
    onHand: z.number().int(),
    reserved: z.number().int(),
  }),
} as const;

export type EmailTemplate = keyof typeof emailPayloads;
export type EmailPayload<T extends EmailTemplate> = z.output<(typeof emailPayloads)[T]>;

export const emailTemplates = Object.keys(emailPayloads) as EmailTemplate[];

export const isEmailTemplate = (name: string): name is EmailTemplate => Object.hasOwn(emailPayloads, name);
