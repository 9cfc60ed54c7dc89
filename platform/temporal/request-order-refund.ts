import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { orderWorkflowId, requestRefundUpdate, type RefundRequest, type RefundSummary } from '../../workflows/order/order.messages';

export type OrderRefundAnswer = { refund: RefundSummary } | { refusal: string };

/**
 * Asks order-<orderId> for a refund through its `requestRefund` update, under an update id the
 * caller derives from its own workflow. The order's typed refusal, or an order whose run has
 * ended, is an answer; anything else (the order's worker away, a timeout) throws, to be retried.
 */
export async function requestOrderRefund(client: Client, orderId: string, updateId: string, request: RefundRequest): Promise<OrderRefundAnswer> {
  try {
    const refund = await client.workflow.getHandle(orderWorkflowId(orderId)).executeUpdate(requestRefundUpdate, { updateId, args: [request] });
    return { refund };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { refusal: "order-not-running: the order's workflow has ended" };
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type) return { refusal: `${cause.type}: ${cause.message}` };
    throw error;
  }
}
