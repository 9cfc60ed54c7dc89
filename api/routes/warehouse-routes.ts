import { z } from 'zod';
import { findPickList } from '../../db/pick-list';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { Problem } from '../http/problem';
import { throwIfOtherWarehouse, warehouseParam } from '../http/warehouse-scope';

const pickListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const pickList = z.object({
  warehouseCode: z.string(),
  orders: z.array(
    z.object({
      orderId: z.string().uuid(),
      confirmedAt: z.string(),
      lines: z.array(z.object({ sku: z.string(), productName: z.string(), quantity: z.number().int().positive() })),
    }),
  ),
});

export function warehouseRoutes(api: ApiRouter, { db }: AppDeps): void {
  api.route(
    {
      method: 'get',
      path: '/warehouse/:code/pick-list',
      operationId: 'getPickList',
      summary: "A warehouse's pick list: what it holds reserved for confirmed orders",
      description:
        'One entry per confirmed order with stock reserved in this warehouse, oldest first, with the lines this warehouse ships. An order on hold for risk review, held by support or ended is not listed. A warehouse token sees only its own warehouse; support and admin see any.',
      tag: 'Warehouse',
      roles: ['warehouse', 'support', 'admin'],
      params: warehouseParam,
      query: pickListQuery,
      responses: {
        200: { description: 'The pick list', schema: pickList },
        403: { description: 'Another warehouse, or a role without access', problems: ['forbidden'] },
        404: { description: 'No such warehouse', problems: ['not-found'] },
      },
    },
    async ({ params, query, principal, res }) => {
      throwIfOtherWarehouse(principal!, params.code);
      const orders = await findPickList(db, params.code, query.limit);
      if (!orders) throw new Problem('not-found', `No warehouse ${params.code}.`);
      res.json({ warehouseCode: params.code, orders } satisfies z.infer<typeof pickList>);
    },
  );
}
