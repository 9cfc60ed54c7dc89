import type { Client } from '@temporalio/client';
import {
  productChanged,
  productSyncWorkflowId,
  syncProductSearchWorkflowType,
  type SyncProductSearchWorkflow,
} from '../../workflows/search/sync-product-search.messages';
import { taskQueues } from '../../workflows/shared/task-queues';

/** Wakes (or starts) the product's search sync; concurrent calls coalesce into one run. */
export async function signalProductSync(client: Client, productId: string): Promise<void> {
  await client.workflow.signalWithStart<SyncProductSearchWorkflow>(syncProductSearchWorkflowType, {
    workflowId: productSyncWorkflowId(productId),
    taskQueue: taskQueues.search,
    args: [productId],
    signal: productChanged,
    staticSummary: `Search sync for product ${productId}`,
  });
}
