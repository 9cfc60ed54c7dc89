export const catchUpOrderIndexWorkflowType = 'catchUpOrderIndex';
export type CatchUpOrderIndexWorkflow = (progress?: { indexed: number }) => Promise<{ indexed: number }>;

/** The schedule that runs the orders catch-up; also the id prefix of on-demand runs. */
export const orderSearchCatchUpScheduleId = 'order-search-catch-up';
