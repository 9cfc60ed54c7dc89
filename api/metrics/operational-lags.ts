import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../../db/database';
import { readOperationalLags, type OperationalLags } from '../../db/operational-lags';

/** What ops alert on, read from the database at each scrape so it is never stale. */
export function operationalLags(registry: Registry, db: Kysely<Database>): void {
  // One read serves every gauge of a scrape: prom-client collects each gauge, the first one reads.
  let reading: Promise<OperationalLags> | undefined;
  const read = (): Promise<OperationalLags> =>
    (reading ??= readOperationalLags(db).finally(() => setImmediate(() => (reading = undefined))));

  new Gauge({
    name: 'notification_outbox_lag_seconds',
    help: 'Age of the oldest notification still waiting to be sent (0 when none waits)',
    registers: [registry],
    async collect() {
      this.set((await read()).outboxLagSeconds);
    },
  });
  new Gauge({
    name: 'notification_outbox_pending',
    help: 'Notifications waiting to be sent',
    registers: [registry],
    async collect() {
      this.set((await read()).pendingNotifications);
    },
  });
  new Gauge({
    name: 'notification_outbox_failed',
    help: 'Emails the sender gave up on, until support retries them (GET /support/notifications?status=failed)',
    registers: [registry],
    async collect() {
      this.set((await read()).failedNotifications);
    },
  });
  new Gauge({
    name: 'search_index_lag_documents',
    help: 'Rows whose search document trails their search_version, by index',
    labelNames: ['index'] as const,
    registers: [registry],
    async collect() {
      const lags = await read();
      this.set({ index: 'products' }, lags.productsBehindSearch);
      this.set({ index: 'orders' }, lags.ordersBehindSearch);
    },
  });
  new Gauge({
    name: 'payment_authorizations_expiring',
    help: 'Authorizations with money still to capture whose hold lapses within a day (orders capture the rest a day ahead)',
    registers: [registry],
    async collect() {
      this.set((await read()).authorizationsExpiringSoon);
    },
  });
  new Gauge({
    name: 'payment_refunds_failed',
    help: 'Refunds the provider refused, waiting for support',
    registers: [registry],
    async collect() {
      this.set((await read()).failedRefunds);
    },
  });
}
