import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { describeRestock, MAX_LINE_QUANTITY, MAX_RECEIPT_LINES, mergeReceiptLines, type RestockInput } from '../../domain/restock';
import { restockWorkflowId, restockWorkflowType, type RestockWorkflow } from '../../workflows/inventory/restock.messages';
import { Skus, WarehouseCode } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { Problem } from '../http/problem';

const receiptId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, dot, dash or underscore; at most 100')
  .describe('Your reference for the delivery (e.g. the supplier ASN); posting it again is safe.');

const receiptBody = z
  .strictObject({
    receiptId,
    warehouseCode: z.string().min(1).max(32).describe('Code of the receiving warehouse, e.g. WH-EU-1'),
    lines: z
      .array(z.strictObject({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) }))
      .min(1)
      .max(MAX_RECEIPT_LINES),
    note: z.string().max(500).optional(),
  })
  .describe('A delivery of stock into one warehouse.');

const receiptLine = z.object({ sku: z.string(), quantity: z.number().int(), onHandAfter: z.number().int().optional() });
const receipt = z.object({
  receiptId: z.string(),
  status: z.enum(['processing', 'received', 'rejected', 'failed']),
  warehouseCode: z.string().optional(),
  lines: z.array(receiptLine).optional(),
  units: z.number().int().optional(),
  reason: z.object({ type: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  workflow: z
    .object({ id: z.string(), runId: z.string().optional(), status: z.string(), startTime: z.string().optional(), closeTime: z.string().optional() })
    .optional(),
});
type Receipt = z.infer<typeof receipt>;

const requestHash = (input: Omit<RestockInput, 'receivedBy'>): string =>
  createHash('sha256').update(JSON.stringify([input.receiptId, input.warehouseCode, input.lines, input.note ?? null])).digest('hex');

export function receiptRoutes(api: ApiRouter, { temporal, db }: AppDeps): void {
  api.route(
    {
      method: 'post',
      path: '/admin/inventory/receipts',
      operationId: 'createInventoryReceipt',
      summary: 'Receive stock into a warehouse',
      description:
        'Starts the restock workflow `restock-<receiptId>`: stock and the movement ledger are updated in PostgreSQL, then product availability in search. Answers 202 at once; GET the Location for the outcome. Posting the same receipt again answers the same; reusing its id for different contents is a 409.',
      tag: 'Inventory',
      roles: ['admin'],
      body: receiptBody,
      responses: {
        202: { description: 'Accepted; the restock workflow runs', schema: receipt },
        400: { description: 'Invalid body', problems: ['validation-failed', 'malformed-json'] },
        401: { description: 'No valid token', problems: ['unauthorized'] },
        403: { description: 'Not an admin', problems: ['forbidden'] },
        409: { description: 'Receipt id used for a different receipt', problems: ['receipt-conflict'] },
      },
    },
    async ({ body, principal, res }) => {
      const input: RestockInput = {
        receiptId: body.receiptId,
        warehouseCode: body.warehouseCode,
        lines: mergeReceiptLines(body.lines),
        receivedBy: principal!.subject,
        ...(body.note !== undefined && { note: body.note }),
      };
      const workflowId = restockWorkflowId(input.receiptId);
      const hash = requestHash(input);
      try {
        await temporal.workflow.start<RestockWorkflow>(restockWorkflowType, {
          workflowId,
          taskQueue: taskQueues.inventory,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { requestHash: hash, receivedBy: input.receivedBy },
          typedSearchAttributes: [
            { key: WarehouseCode, value: input.warehouseCode },
            { key: Skus, value: input.lines.map((line) => line.sku) },
          ],
          staticSummary: describeRestock(input),
          staticDetails: input.lines.map((line) => `- ${line.sku}: ${line.quantity}`).join('\n'),
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const existing = await temporal.workflow.getHandle(workflowId).describe();
        if (existing.memo?.requestHash !== hash) {
          throw new Problem('receipt-conflict', `Receipt ${input.receiptId} was already posted with other contents.`, { receiptId: input.receiptId });
        }
      }
      const location = `/admin/inventory/receipts/${encodeURIComponent(input.receiptId)}`;
      res.status(202).location(location).json({
        receiptId: input.receiptId,
        status: 'processing',
        warehouseCode: input.warehouseCode,
        lines: input.lines,
        workflow: { id: workflowId, status: 'RUNNING' },
      } satisfies Receipt);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/admin/inventory/receipts/:receiptId',
      operationId: 'getInventoryReceipt',
      summary: "A receipt's outcome",
      description: 'processing while the workflow runs; then received (with stock on hand after it) or rejected with a typed reason.',
      tag: 'Inventory',
      roles: ['admin'],
      params: z.object({ receiptId }),
      responses: {
        200: { description: 'The receipt', schema: receipt },
        401: { description: 'No valid token', problems: ['unauthorized'] },
        403: { description: 'Not an admin', problems: ['forbidden'] },
        404: { description: 'No such receipt', problems: ['not-found'] },
      },
    },
    async ({ params, res }) => {
      res.json(await findReceipt(params.receiptId));
    },
  );

  async function findReceipt(id: string): Promise<Receipt> {
    const handle = temporal.workflow.getHandle<RestockWorkflow>(restockWorkflowId(id));
    try {
      const run = await handle.describe();
      const workflow = {
        id: run.workflowId,
        runId: run.runId,
        status: run.status.name,
        startTime: run.startTime.toISOString(),
        ...(run.closeTime && { closeTime: run.closeTime.toISOString() }),
      };
      if (run.status.name === 'RUNNING') return { receiptId: id, status: 'processing', workflow };
      if (run.status.name !== 'COMPLETED') return { receiptId: id, status: 'failed', workflow };
      const outcome = await handle.result();
      return outcome.status === 'received'
        ? { receiptId: id, status: 'received', warehouseCode: outcome.warehouseCode, lines: outcome.lines, units: outcome.units, workflow }
        : { receiptId: id, status: 'rejected', reason: outcome.reason, workflow };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    // Past the namespace's retention the run is gone; the database keeps the receipt.
    const row = await db
      .selectFrom('inventory_receipts as r')
      .innerJoin('warehouses as w', 'w.id', 'r.warehouse_id')
      .select(['r.receipt_id', 'r.status', 'w.code'])
      .where('r.receipt_id', '=', id)
      .executeTakeFirst();
    if (!row) throw new Problem('not-found', `No receipt ${id}.`);
    const lines = await db.selectFrom('inventory_receipt_lines').select(['sku', 'quantity']).where('receipt_id', '=', id).orderBy('sku').execute();
    return { receiptId: id, status: row.status === 'completed' ? 'received' : 'failed', warehouseCode: row.code, lines };
  }
}
