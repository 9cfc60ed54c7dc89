import type { catchUpSearchIndex } from './catch-up-search-index';

export const catchUpSearchIndexWorkflowType = 'catchUpSearchIndex';
export type CatchUpSearchIndexWorkflow = typeof catchUpSearchIndex;

/** The schedule that runs the catch-up every ten minutes; also the id prefix of on-demand runs. */
export const searchCatchUpScheduleId = 'search-catch-up';
export const searchCatchUpWorkflowId = (reason: string): string => `search-catch-up-${reason}`;
