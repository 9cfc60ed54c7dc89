import { z } from 'zod';
import { setLowStockThreshold } from '../../db/low-stock';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { Problem } from '../http/problem';

const thresholdBody = z
  .strictObject({
    threshold: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .nullable()
      .describe('Alert ops when available stock drops below this; null follows the default (LOW_STOCK_DEFAULT_THRESHOLD).'),
  })
  .describe("A SKU's low-stock threshold in one warehouse.");

const lowStockThreshold = z.object({
  warehouseCode: z.string(),
  sku: z.string(),
  threshold: z.number().int().nullable().describe("The SKU's own threshold here; null when it follows the default"),
  effectiveThreshold: z.number().int(),
  available: z.number().int().describe('On hand minus reserved in this warehouse'),
  belowThreshold: z.boolean().describe('Available stock is below the threshold (its alert, if it crossed, is queued)'),
});

export function lowStockRoutes(api: ApiRouter, { db }: AppDeps): void {
  api.route(
    {
      method: 'put',
      path: '/admin/inventory/thresholds/:warehouseCode/:sku',
      operationId: 'setLowStockThreshold',
      summary: "Set a SKU's low-stock threshold in a warehouse",
      description:
        'When a reservation takes available stock (on hand minus reserved) from at or above the threshold to below it, one `low-stock` email to ops (`OPS_ALERT_EMAIL`) is queued in the notifications outbox: once per crossing, however many orders take part, and again only after stock has come back up to the threshold. Changing the threshold alerts nobody; the answer says whether stock is below it. Works before the first receipt of the SKU into the warehouse.',
      tag: 'Inventory',
      roles: ['admin'],
      params: z.strictObject({ warehouseCode: z.string().min(1).max(32), sku: z.string().min(1).max(64) }),
      body: thresholdBody,
      responses: {
        200: { description: 'The threshold as it now stands', schema: lowStockThreshold },
        400: { description: 'Invalid body', problems: ['validation-failed', 'malformed-json'] },
        401: { description: 'No valid token', problems: ['unauthorized'] },
        403: { description: 'Not an admin', problems: ['forbidden'] },
        404: { description: 'No such active warehouse, or no such SKU', problems: ['not-found'] },
      },
    },
    async ({ params, body, res }) => {
      const result = await setLowStockThreshold(db, { ...params, threshold: body.threshold });
      if (result.kind === 'unknown_warehouse') throw new Problem('not-found', `No active warehouse ${params.warehouseCode}.`);
      if (result.kind === 'unknown_sku') throw new Problem('not-found', `No SKU ${params.sku}.`);
      res.json(lowStockThreshold.parse(result.threshold));
    },
  );
}
