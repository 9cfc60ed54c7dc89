import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { createReturn, findOrderForReturn, findReturn, moveReturn, returnRefundOf, type ReturnWithLines } from '../../db/returns';
import { inspectionOutcomes, isReturnRefusalCode, returnReasonCodes, validateReturnRequest, type ReturnRefund } from '../../domain/returns';
import {
  decideReturnUpdate,
  processReturnWorkflowType,
  receiveReturnUpdate,
  returnWorkflowId,
  type ProcessReturnWorkflow,
  type ReturnInput,
  type ReturnPolicy,
} from '../../workflows/returns/process-return.messages';
import { OrderId, ReturnStatus } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import type { AppDeps } from '../app-deps';
import type { ApiRouter } from '../http/api-router';
import { Problem } from '../http/problem';
import { throwIfOtherWarehouse, warehouseParam } from '../http/warehouse-scope';
import { returnSummary, returnSummaryOf } from '../read-models/order-details';

const DEFAULT_RETURN_WINDOW = '30 days';
const defaultPolicy: ReturnPolicy = { autoApproveBelow: 10_000, approvalTimeout: '3 days', labelValidity: '14 days', supportEmail: 'support@example.com' };

const returnRequest = z
  .strictObject({
    lines: z.array(z.strictObject({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(10_000) })).min(1).max(100),
    reasonCode: z.enum(returnReasonCodes),
    note: z.string().max(1000).optional(),
  })
  .describe('Lines and quantities to send back, with why.');
const decisionBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('Why: kept in the support audit') });
const receiptBody = z
  .strictObject({
    lines: z.array(z.strictObject({ sku: z.string().min(1).max(64), units: z.array(z.enum(inspectionOutcomes)).max(10_000).describe('One entry per unit received') })).max(100),
  })
  .describe('What arrived, inspected unit by unit: restockable units go back on the shelf, damaged ones are written off.');
const receiptAnswer = z.object({
  rmaId: z.string(),
  lines: z.array(z.object({ sku: z.string(), restockable: z.number().int(), damaged: z.number().int() })),
  refundAmount: z.number().int().describe('Minor units: the refund the order started for the accepted units (tax and any shipping share included); 0 when refused or nothing was accepted'),
  refund: z
    .object({
      status: z.enum(['refund_pending', 'refund_requested', 'refund_refused', 'nothing_to_refund']),
      refundId: z.string().optional(),
      refusal: z.string().optional().describe("The order's typed reason"),
    })
    .optional()
    .describe("The order's answer to the return's refund request"),
});
const refundAnswer = (refund: ReturnRefund | undefined) =>
  refund && {
    status: refund.status,
    ...(refund.status === 'refund_requested' && { refundId: refund.refundId }),
    ...(refund.status === 'refund_refused' && { refusal: refund.reason }),
  };
const rmaParam = z.strictObject({ rmaId: z.uuid() });

const refusalOf = (error: unknown): Problem | undefined => {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type && (isReturnRefusalCode(cause.type) || cause.type === 'reason-required')) return new Problem(cause.type, cause.message);
  return undefined;
};

export function returnRoutes(api: ApiRouter, { db, temporal, config }: AppDeps): void {
  // platform/config.ts checked the durations' shape: a number and a unit, as Temporal writes them.
  const policy = (config.returns ?? defaultPolicy) as ReturnPolicy;
  const windowMs = msToNumber((config.orders?.returnWindow ?? DEFAULT_RETURN_WINDOW) as '30 days');
  const rmaOr404 = async (rmaId: string): Promise<ReturnWithLines> => {
    const rma = await findReturn(db, rmaId);
    if (!rma) throw new Problem('not-found', `No return ${rmaId}.`);
    return rma;
  };

  api.route(
    {
      method: 'post',
      path: '/orders/:orderId/returns',
      operationId: 'requestReturn',
      summary: 'Ask to return delivered items (an RMA)',
      description:
        'Within the return window counted from the delivery, for units delivered and not already in a return. Starts the workflow `return-<rmaId>`: small returns are approved at once and the label is emailed (`return-label`); the rest wait for support. Each request is its own RMA; the database refuses any that would return more than was delivered, however many arrive at once.',
      tag: 'Storefront',
      roles: ['customer'],
      params: z.strictObject({ orderId: z.uuid() }),
      body: returnRequest,
      responses: {
        201: { description: 'Recorded; the return workflow runs', schema: returnSummary },
        404: { description: 'No such order of yours', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: ['window-closed', 'not-delivered', 'nothing-to-return', 'quantity-exceeds-delivered'] },
        422: { description: 'The request names lines the order does not hold, or one twice', problems: ['unknown-order-line', 'duplicate-order-line'] },
      },
    },
    async ({ params, body, principal, res }) => {
      const order = await findOrderForReturn(db, params.orderId);
      if (!order || order.customerSubject !== principal!.subject) throw new Problem('not-found', `No order ${params.orderId}.`);
      const bySku = new Map(order.lines.map((line) => [line.sku, line.orderItemId]));
      const unknown = body.lines.find((line) => !bySku.has(line.sku));
      if (unknown) throw new Problem('unknown-order-line', `The order holds no ${unknown.sku}.`, { sku: unknown.sku });
      const decision = validateReturnRequest(
        body.lines.map((line) => ({ orderItemId: bySku.get(line.sku)!, quantity: line.quantity })),
        body.reasonCode,
        { deliveredAt: order.deliveredAt, now: new Date(), windowMs, lines: order.lines },
      );
      if (!decision.ok) throw new Problem(decision.refusal.code, decision.refusal.message, decision.refusal.details ?? {});
      const created = await createReturn(db, {
        orderId: order.orderId,
        reasonCode: body.reasonCode,
        note: body.note ?? null,
        currency: order.currency,
        requestedBy: principal!.subject,
        approvalDeadline: new Date(Date.now() + msToNumber(policy.approvalTimeout)),
        lines: decision.lines,
      });
      if (created.kind !== 'created') throw new Problem('quantity-exceeds-delivered', 'Another return took these units meanwhile.');
      const input: ReturnInput = { rmaId: created.rmaId, orderId: order.orderId, reasonCode: body.reasonCode, amount: decision.amount, currency: order.currency, riskLevel: order.riskLevel, lines: decision.lines, policy };
      try {
        await temporal.workflow.start<ProcessReturnWorkflow>(processReturnWorkflowType, {
          workflowId: returnWorkflowId(created.rmaId),
          taskQueue: taskQueues.inventory,
          args: [input],
          typedSearchAttributes: [
            { key: OrderId, value: order.orderId },
            { key: ReturnStatus, value: ['REQUESTED'] },
          ],
          staticSummary: `Return of ${decision.lines.reduce((units, line) => units + line.quantity, 0)} unit(s) of order ${order.orderId} (${body.reasonCode})`,
          staticDetails: decision.lines.map((line) => `- ${line.sku}: ${line.quantity}`).join('\n'),
        });
      } catch (error) {
        // No run carries it: the RMA gives its units back rather than holding them forever.
        await moveReturn(db, created.rmaId, ['requested'], 'expired', { expired_reason: 'not-started' });
        throw error;
      }
      res.status(201).location(`/orders/${order.orderId}`).json(returnSummary.parse(returnSummaryOf(await rmaOr404(created.rmaId))));
    },
  );

  for (const decision of ['approve', 'deny'] as const) {
    api.route(
      {
        method: 'post',
        path: `/support/returns/:rmaId/${decision}`,
        operationId: `${decision}Return`,
        summary: decision === 'approve' ? 'Approve a return waiting for support: its label is bought and emailed' : 'Deny a return waiting for support',
        description: 'A validated update of `return-<rmaId>`, audited in the support log with the actor and reason. Refused (409 `return-not-pending`) once the return was decided or expired.',
        tag: 'Support',
        roles: ['support', 'admin'],
        rateLimit: 'support-actions',
        params: rmaParam,
        body: decisionBody,
        responses: {
          200: { description: 'Decided; the return after it', schema: returnSummary },
          404: { description: 'No such return', problems: ['not-found'] },
          409: { description: 'Refused: the problem type names the reason', problems: ['return-not-pending'] },
        },
      },
      async ({ params, body, principal, res }) => {
        await rmaOr404(params.rmaId);
        try {
          await temporal.workflow
            .getHandle(returnWorkflowId(params.rmaId))
            .executeUpdate(decideReturnUpdate, { args: [{ decision, actorId: principal!.subject, actorRole: principal!.role, reason: body.reason }] });
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) throw new Problem('return-not-pending', 'The return has ended.');
          throw refusalOf(error) ?? error;
        }
        res.json(returnSummary.parse(returnSummaryOf(await rmaOr404(params.rmaId))));
      },
    );
  }

  api.route(
    {
      method: 'post',
      path: '/warehouse/:code/returns/:rmaId/receipt',
      operationId: 'receiveReturn',
      summary: 'Receive a returned parcel, with an inspection per unit',
      description:
        'Only the warehouse the label sends it to. Restockable units go back on the shelf (a `return` movement referencing the RMA), damaged ones are written off (`write_off`), then the refund of the accepted units is asked of the order (it answers with the refund it started, or its typed refusal). Posting the same receipt again answers the first one: nothing is restocked twice.',
      tag: 'Warehouse',
      roles: ['warehouse', 'support', 'admin'],
      params: warehouseParam.extend(rmaParam.shape),
      body: receiptBody,
      responses: {
        200: { description: 'Received', schema: receiptAnswer },
        403: { description: 'Another warehouse, or a role without access', problems: ['forbidden'] },
        404: { description: 'No such return', problems: ['not-found'] },
        409: { description: 'Refused: the problem type names the reason', problems: ['return-not-awaiting-receipt', 'wrong-warehouse'] },
        422: { description: 'The inspection does not match the return', problems: ['inspection-mismatch'] },
      },
    },
    async ({ params, body, principal, res }) => {
      throwIfOtherWarehouse(principal!, params.code);
      const rma = await rmaOr404(params.rmaId);
      const bySku = new Map(rma.lines.map((line) => [line.sku, line.order_item_id]));
      const stray = body.lines.find((line) => !bySku.has(line.sku));
      if (stray) throw new Problem('inspection-mismatch', `The return holds no ${stray.sku}.`, { sku: stray.sku });
      const lines = body.lines.map((line) => ({ orderItemId: bySku.get(line.sku)!, units: line.units }));
      try {
        const outcome = await temporal.workflow
          .getHandle(returnWorkflowId(params.rmaId))
          .executeUpdate(receiveReturnUpdate, { args: [{ warehouseCode: params.code, receivedBy: principal!.subject, lines }] });
        res.json(receiptAnswer.parse({ rmaId: outcome.rmaId, refundAmount: outcome.refundAmount, lines: outcome.lines, refund: refundAnswer(outcome.refund) }));
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw refusalOf(error) ?? error;
        // The run ended: a receipt posted again after it answers what the return recorded.
        const ended = await rmaOr404(params.rmaId);
        if (ended.status !== 'received') throw new Problem('return-not-awaiting-receipt', `The return is ${ended.status}.`);
        res.json(
          receiptAnswer.parse({
            rmaId: ended.id,
            refundAmount: Number(ended.refund_amount ?? 0),
            refund: refundAnswer(returnRefundOf(ended)),
            lines: ended.lines.map((line) => ({ sku: line.sku, restockable: line.restockable_quantity ?? 0, damaged: line.damaged_quantity ?? 0 })),
          }),
        );
      }
    },
  );
}

