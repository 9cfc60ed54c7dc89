import { type Client, WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { orderWorkflowId } from '../../workflows/order/order.messages';

export type OrderWorkflowStatus = WorkflowExecutionStatusName | 'NOT_FOUND';

/** The latest run of the order's workflow; NOT_FOUND when there never was one or it left retention. */
export async function orderWorkflowStatus(client: Client, orderId: string): Promise<OrderWorkflowStatus> {
  try {
    return (await client.workflow.getHandle(orderWorkflowId(orderId)).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}
