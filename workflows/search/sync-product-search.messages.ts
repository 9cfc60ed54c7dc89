import { defineSignal } from '@temporalio/workflow';

/** Sent (with signal-with-start) after every committed change that affects a product's search document. */
export const productChanged = defineSignal('productChanged');

export const syncProductSearchWorkflowType = 'syncProductSearch';
export type SyncProductSearchWorkflow = (productId: string, state?: { pending: boolean }) => Promise<{ writes: number }>;

/** One sync run per product at a time: signal-with-start on this id coalesces concurrent changes. */
export const productSyncWorkflowId = (productId: string): string => `product-sync-${productId}`;
