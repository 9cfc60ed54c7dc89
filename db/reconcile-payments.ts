import { type Kysely, sql } from 'kysely';
import { createDb } from './create-db';
import type { Database } from './database';
import { runMain } from '../platform/run-main';

/** A payment whose totals disagree with what its ledger adds up to. */
export interface PaymentDrift {
  payment_id: string;
  order_id: string;
  authorized: number;
  ledger_authorized: number;
  captured: number;
  ledger_captured: number;
  refunded: number;
  ledger_refunded: number;
  refunding: number;
  ledger_refunding: number;
}

/**
 * Payments whose authorized, captured, refunded or in-flight refund totals differ from their
 * payment_ledger rows, summed the way the ledger's trigger applies them: a refund_failed that
 * carries the reference of an earlier refunded row reverses that refund, any other releases its
 * request. Read-only; an empty result means the money is consistent.
 */
export async function findPaymentDrift(db: Kysely<Database>, filter: { orderIds?: readonly string[] } = {}): Promise<PaymentDrift[]> {
  if (filter.orderIds?.length === 0) return [];
  const { rows } = await sql<PaymentDrift>`
    with movements as (
      select l.payment_id, l.kind, l.amount,
             l.kind = 'refund_failed' and exists (
               select 1 from payment_ledger r
                where r.payment_id = l.payment_id and r.kind = 'refunded' and r.provider_reference = l.provider_reference and r.id <> l.id
             ) as reverses_refund
        from payment_ledger l
    ), sums as (
      select payment_id,
             coalesce(sum(amount) filter (where kind = 'authorized'), 0)::int as authorized,
             coalesce(sum(amount) filter (where kind = 'captured'), 0)::int as captured,
             (coalesce(sum(amount) filter (where kind = 'refunded'), 0) - coalesce(sum(amount) filter (where reverses_refund), 0))::int as refunded,
             (coalesce(sum(amount) filter (where kind = 'refund_requested'), 0)
               - coalesce(sum(amount) filter (where kind = 'refunded'), 0)
               - coalesce(sum(amount) filter (where kind = 'refund_failed' and not reverses_refund), 0))::int as refunding
        from movements
       group by payment_id
    )
    select p.id as payment_id, p.order_id,
           p.authorized_amount as authorized, coalesce(s.authorized, 0) as ledger_authorized,
           p.captured_amount as captured, coalesce(s.captured, 0) as ledger_captured,
           p.refunded_amount as refunded, coalesce(s.refunded, 0) as ledger_refunded,
           p.refunding_amount as refunding, coalesce(s.refunding, 0) as ledger_refunding
      from payments p
      left join sums s on s.payment_id = p.id
     where (${filter.orderIds === undefined} or p.order_id = any(${filter.orderIds ?? []}::uuid[]))
       and (p.authorized_amount, p.captured_amount, p.refunded_amount, p.refunding_amount)
           is distinct from (coalesce(s.authorized, 0), coalesce(s.captured, 0), coalesce(s.refunded, 0), coalesce(s.refunding, 0))
     order by p.order_id
  `.execute(db);
  return rows;
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://app@127.0.0.1:5432/app)');
    return 2;
  }
  const db = createDb({ url, poolSize: 1, applicationName: 'reconcile-payments' });
  try {
    const drift = await findPaymentDrift(db);
    const { count } = await db.selectFrom('payments').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    if (drift.length === 0) {
      console.log(`every payment's totals (${count} payments) equal its ledger: authorized, captured, refunded and refunds in flight`);
      return 0;
    }
    console.log(`${drift.length} payment(s) disagree with their ledger:`);
    console.table(drift);
    return 1;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) runMain(main);
