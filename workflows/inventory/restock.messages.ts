import type { RestockInput, RestockOutcome } from '../../domain/restock';

/** What the API needs to start and read a restock run, without importing workflow code. */
export const restockWorkflowType = 'restock';
export type RestockWorkflow = (input: RestockInput) => Promise<RestockOutcome>;

/** The id is the business key: a receipt can be started once, however often it is posted. */
export const restockWorkflowId = (receiptId: string): string => `restock-${receiptId}`;

export type { RestockInput, RestockOutcome };
