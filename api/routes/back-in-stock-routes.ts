import { z } from 'zod';
import { subscribeBackInStock } from '../../db/back-in-stock';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { emailAddress } from '../http/email-address';
import { Problem } from '../http/problem';

const subscriptionBody = z
  .strictObject({ email: emailAddress.describe('Where to send the email when the SKU is back') })
  .describe('Tell me when this SKU is back in stock.');

const subscription = z.object({
  id: z.uuid(),
  sku: z.string(),
  email: z.string(),
  status: z.enum(['waiting', 'notified']).describe('waiting until a restock brings the SKU back; then notified, once'),
  createdAt: z.iso.datetime(),
});

export function backInStockRoutes(api: ApiRouter, { db }: AppDeps): void {
  api.route(
    {
      method: 'post',
      path: '/products/:sku/back-in-stock-subscriptions',
      operationId: 'subscribeBackInStock',
      summary: 'Be told when a sold-out SKU is back in stock',
      description:
        'For a SKU with nothing available in any warehouse. The first restock that brings it back queues one `back-in-stock` email to the address given, and the subscription becomes `notified`. Idempotent per customer and SKU: asking again while waiting answers 200 with the same subscription (and the latest email). Once notified, a customer may subscribe again when the SKU next sells out.',
      tag: 'Storefront',
      roles: ['customer'],
      params: z.strictObject({ sku: z.string().min(1).max(64) }),
      body: subscriptionBody,
      responses: {
        200: { description: 'Already waiting: the same subscription', schema: subscription },
        201: { description: 'Subscribed', schema: subscription },
        400: { description: 'Invalid body', problems: ['validation-failed', 'malformed-json'] },
        401: { description: 'No valid token', problems: ['unauthorized'] },
        403: { description: 'Not a customer', problems: ['forbidden'] },
        404: { description: 'No such SKU on sale', problems: ['not-found'] },
        409: { description: 'The SKU is in stock', problems: ['sku-in-stock'] },
      },
    },
    async ({ params, body, principal, res }) => {
      const result = await subscribeBackInStock(db, { sku: params.sku, customerSubject: principal!.subject, email: body.email });
      if (result.kind === 'unknown_sku') throw new Problem('not-found', `No SKU ${params.sku} on sale.`);
      if (result.kind === 'in_stock') throw new Problem('sku-in-stock', `${params.sku} has ${result.available} available.`, { sku: params.sku, available: result.available });
      const { subscription: s, created } = result;
      res.status(created ? 201 : 200).json(subscription.parse({ ...s, createdAt: s.createdAt.toISOString() }));
    },
  );
}
