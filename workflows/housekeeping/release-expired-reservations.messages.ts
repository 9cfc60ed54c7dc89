export interface ReservationSweep {
  /** Orders whose expired stock went back, and of those the ones ended here. */
  released: number;
  ended: number;
  /** Orders whose running workflow owns the stock, and accepted orders left for ops. */
  kept: number;
  escalated: number;
}

export const releaseExpiredReservationsWorkflowType = 'releaseExpiredReservations';
export type ReleaseExpiredReservationsWorkflow = (progress?: ReservationSweep & { after: string | null }) => Promise<ReservationSweep>;

/** The schedule that sweeps every five minutes; also the id prefix of its runs. */
export const expiredReservationSweepScheduleId = 'expired-reservation-sweep';
