import { defineSignal } from '@temporalio/workflow';
import type { syncProductSearch } from './sync-product-search';

/** Sent (with signal-with-start) after every committed change that affects a product's search document. */
export const productChanged = defineSignal('productChanged');

export const syncProductSearchWorkflowType = 'syncProductSearch';
export type SyncProductSearchWorkflow = typeof syncProductSearch;

/** One sync run per product at a time: signal-with-start on this id coalesces concurrent changes. */
export const productSyncWorkflowId = (productId: string): string => `product-sync-${productId}`;
