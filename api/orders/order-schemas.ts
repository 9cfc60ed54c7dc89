import { z } from 'zod';
import { shippingSpeeds } from '../../domain/shipping-estimate';
import { emailAddress } from '../http/email-address';

export const orderIdParam = z.object({ orderId: z.uuid() });

const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. US');
const line = (max: number) => z.string().trim().min(1).max(max);

export const address = z.strictObject({
  name: line(120),
  line1: line(200),
  line2: line(200).optional(),
  city: line(100),
  region: z.string().regex(/^[A-Z0-9]{1,3}$/, 'ISO 3166-2 subdivision code without the country, e.g. CA').optional(),
  postalCode: line(20),
  country,
  phone: z.string().regex(/^\+?[0-9 ()-]{6,20}$/).optional(),
});

export const checkoutBody = z
  .strictObject({
    cartId: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a cart id'),
    email: emailAddress,
    shippingAddress: address,
    billingAddress: address.optional().describe('Defaults to the shipping address'),
    shippingSpeed: z.enum(shippingSpeeds).default('standard'),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/, 'a BCP 47 language tag such as de-DE')
      .optional()
      .describe("The language and number formatting of the order's emails, e.g. `de-DE` (the storefront's language). Default: the shipping country's"),
    paymentMethod: z.discriminatedUnion('provider', [
      z.strictObject({
        provider: z.literal('stripe'),
        paymentMethodId: z.string().regex(/^pm_[A-Za-z0-9_]{1,250}$/, 'a Stripe PaymentMethod id (pm_...): card data never comes here'),
      }),
      z.strictObject({ provider: z.literal('manual') }).describe('Invoice or cash on delivery: no money moves at checkout'),
    ]),
  })
  .describe('Checks out the cart. Prices come from the catalog, never from the request.');

export const supportRequest = z.strictObject({ reason: z.string().trim().min(3).max(500) });
export const addressChange = supportRequest.extend({ address });

export const moneyView = z.object({ amount: z.number().int(), currency: z.string() });
