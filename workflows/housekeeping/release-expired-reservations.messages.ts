import type { releaseExpiredReservations } from './release-expired-reservations';

export const releaseExpiredReservationsWorkflowType = 'releaseExpiredReservations';
export type ReleaseExpiredReservationsWorkflow = typeof releaseExpiredReservations;

/** The schedule that sweeps every five minutes; also the id prefix of its runs. */
export const expiredReservationSweepScheduleId = 'expired-reservation-sweep';
