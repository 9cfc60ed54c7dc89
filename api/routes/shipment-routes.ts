import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import { throwIfOtherWarehouse, warehouseCode } from '../http/warehouse-scope';
import type { ParcelClient } from '../shipments/parcel-client';

const shipmentParams = z.object({ code: warehouseCode, shipmentId: z.string().uuid() });

const packBody = z.strictObject({
  weightGrams: z.number().int().positive().max(70_000).describe('The packed parcel, weighed'),
  dimensionsCm: z.strictObject({
    length: z.number().positive().max(300),
    width: z.number().positive().max(300),
    height: z.number().positive().max(300),
  }),
});

const parcelView = z.object({
  shipmentId: z.string(),
  orderId: z.string(),
  warehouseCode: z.string(),
  stage: z.enum(['awaiting_pack', 'label_purchased', 'handed_over', 'address_problem', 'delivered', 'failed', 'returned', 'cancelled']),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  carrier: z.string().nullable(),
  service: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  labelUrl: z.string().nullable().describe('The 4x6 PDF label to print, once bought'),
  trackingUrl: z.string().nullable().describe("The carrier's public tracking page for the label, once bought"),
  tracking: z.string().nullable().describe("The carrier's tracking status, forward only"),
  late: z.boolean(),
  history: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })),
});

const roles = ['warehouse', 'support', 'admin'] as const;

/** A warehouse's parcels: the view, packing (which buys the label) and the handover to the carrier. */
export function shipmentRoutes(api: ApiRouter, parcels: ParcelClient): void {
  api.route(
    {
      method: 'get',
      path: '/warehouse/:code/shipments/:shipmentId',
      operationId: 'getShipment',
      summary: 'A parcel as its workflow knows it, with the label to print',
      description: "The parcel's stage, its chosen carrier and service, the tracking number, the label URL once bought, the carrier's tracking status and its history. A warehouse token sees only its own warehouse's parcels.",
      tag: 'Warehouse',
      roles: [...roles],
      params: shipmentParams,
      responses: {
        200: { description: 'The parcel', schema: parcelView },
        403: { description: 'Another warehouse, or a role without access', problems: ['forbidden'] },
        404: { description: 'No such parcel at this warehouse', problems: ['not-found'] },
      },
    },
    async ({ params, principal, res }) => {
      throwIfOtherWarehouse(principal!, params.code);
      res.json(await parcels.view(params.shipmentId, params.code));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/warehouse/:code/shipments/:shipmentId/pack',
      operationId: 'packShipment',
      summary: 'The parcel is packed: verify the address, choose the rate, buy the label',
      description:
        "Sent once the parcel is packed, weighed and measured. The parcel's workflow verifies the address with the carrier, chooses the cheapest service that keeps the promised speed and buys its label exactly once; the answer is the parcel once that is done (or after 20 s, as it stands). An undeliverable address leaves the parcel in `address_problem` and tells the order; packing again retries.",
      tag: 'Warehouse',
      roles: [...roles],
      params: shipmentParams,
      body: packBody,
      responses: {
        200: { description: 'The parcel after packing', schema: parcelView },
        403: { description: "Another warehouse's parcel, or a role without access", problems: ['forbidden'] },
        404: { description: 'No such parcel at this warehouse', problems: ['not-found'] },
        409: { description: 'The parcel refuses', problems: ['parcel-not-awaiting-pack', 'parcel-being-packed', 'parcel-size-invalid', 'parcel-on-hold', 'parcel-final'] },
      },
    },
    async ({ params, body, principal, res }) => {
      throwIfOtherWarehouse(principal!, params.code);
      res.json(await parcels.pack(params.shipmentId, params.code, { actor: { id: principal!.subject, warehouseCode: params.code }, ...body }));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/warehouse/:code/shipments/:shipmentId/hand-over',
      operationId: 'handOverShipment',
      summary: 'The labelled parcel is handed to the carrier: its stock leaves',
      description:
        "Sent when the carrier takes the parcel. It goes on the carrier's manifest (scan form), its stock leaves the warehouse (on hand and reserved both go down, the reservation is committed, the stock ledger records it) and the order hears of it. From then on the parcel is tracked until delivered.",
      tag: 'Warehouse',
      roles: [...roles],
      params: shipmentParams,
      responses: {
        200: { description: 'The parcel after the handover', schema: parcelView },
        403: { description: "Another warehouse's parcel, or a role without access", problems: ['forbidden'] },
        404: { description: 'No such parcel at this warehouse', problems: ['not-found'] },
        409: { description: 'The parcel refuses', problems: ['parcel-label-not-bought', 'parcel-already-handed-over', 'parcel-on-hold', 'parcel-final'] },
      },
    },
    async ({ params, principal, res }) => {
      throwIfOtherWarehouse(principal!, params.code);
      res.json(await parcels.handOver(params.shipmentId, params.code, { actor: { id: principal!.subject, warehouseCode: params.code } }));
    },
  );
}
