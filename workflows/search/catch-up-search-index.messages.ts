export const catchUpSearchIndexWorkflowType = 'catchUpSearchIndex';
export type CatchUpSearchIndexWorkflow = (progress?: { indexed: number }) => Promise<{ indexed: number }>;

/** The schedule that runs the catch-up (every 30 s, platform/temporal/schedules.ts); also the id prefix of on-demand runs. */
export const searchCatchUpScheduleId = 'search-catch-up';
export const searchCatchUpWorkflowId = (reason: string): string => `search-catch-up-${reason}`;
