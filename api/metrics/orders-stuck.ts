import type { Client as TemporalClient } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../../db/database';
import { countStalledCheckouts } from '../../db/stalled-checkouts';
import type { Logger } from '../../platform/logger';

/** Checkout answers within seconds; a pending order this old has a workflow that cannot progress. */
const STALLED_CHECKOUT_SECONDS = 300;

/**
 * The workflows own the deadlines, so they say what is stuck: each raises a search attribute when
 * a deadline passes with nobody acting, and a visibility count per reason reads them. Only running
 * runs count: a closed one is no longer waiting for anyone.
 */
const stuckQueries = {
  /** Parcels (one shipment-<id> each) with no label bought by their deadline. */
  label_overdue: 'ShipmentStatus = "LABEL_OVERDUE"',
  /** Orders with a parcel past its promised date plus grace. */
  delivery_late: 'ParcelAlerts = "LATE"',
  /** Orders waiting for support's decision on a failed, returned or undeliverable parcel. */
  parcel_problem: 'ParcelAlerts IN ("FAILED", "RETURNED", "ADDRESS_PROBLEM")',
  /** Orders whose authorization lapsed with money uncollected. */
  authorization_expired: 'PaymentAlert = "AUTHORIZATION_EXPIRED"',
} as const;

/**
 * `orders_stuck{reason}`, read at scrape time. When Temporal cannot be asked, the reasons it answers
 * keep their last value and `metrics_read_errors_total{source="temporal"}` counts the miss, so a
 * scrape never fails because one dependency is down.
 */
export function ordersStuck(registry: Registry, deps: { db: Kysely<Database>; temporal: TemporalClient; logger: Logger }): void {
  const readErrors = new Counter({
    name: 'metrics_read_errors_total',
    help: 'Scrape-time reads that failed, by source; the gauges they feed keep their last value',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const reading = async (source: 'temporal' | 'postgres', read: () => Promise<void>): Promise<void> => {
    try {
      await read();
    } catch (err) {
      readErrors.inc({ source });
      deps.logger.warn({ err, source }, 'orders_stuck: a count could not be read; its last value stands');
    }
  };
  new Gauge({
    name: 'orders_stuck',
    help: 'Running orders past a deadline with nobody acting, by reason (label_overdue counts parcels; checkout_stalled counts orders pending over 5 minutes)',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      await Promise.all([
        ...Object.entries(stuckQueries).map(([reason, query]) =>
          reading('temporal', async () => {
            const { count } = await deps.temporal.workflow.count(`${query} AND ExecutionStatus = "Running"`);
            this.set({ reason }, count);
          }),
        ),
        reading('postgres', async () => this.set({ reason: 'checkout_stalled' }, await countStalledCheckouts(deps.db, STALLED_CHECKOUT_SECONDS))),
      ]);
    },
  });
}
