import { sql, type Kysely, type SelectExpression, type SelectQueryBuilder, type Selection } from 'kysely';
import type { Database } from './database';

/** One support queue: how many rows wait in it, and the first of them. */
export interface SupportQueue<Item> {
  count: number;
  items: Item[];
}

/**
 * A queue read from the rows `waiting` selects: their count, and the `limit` oldest (by
 * created_at, then id) with `columns`, each turned into its item. Every table a queue reads has
 * created_at and id; the two queries run side by side.
 */
async function oldestFirst<TB extends keyof Database, C extends SelectExpression<Database, TB>, Item>(
  waiting: SelectQueryBuilder<Database, TB, object>,
  columns: readonly C[],
  limit: number,
  item: (row: Selection<Database, TB, C>) => Item,
): Promise<SupportQueue<Item>> {
  const [counted, rows] = await Promise.all([
    waiting.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
    waiting.select(columns).orderBy(sql.ref('created_at')).orderBy(sql.ref('id')).limit(limit).execute(),
  ]);
  return { count: Number(counted.count), items: rows.map(item) };
}

const iso = (at: Date | string): string => new Date(at).toISOString();

export interface HeldOrderRow {
  orderId: string;
  email: string;
  riskLevel: string | null;
  riskScore: number | null;
  total: { amount: number; currency: string };
  createdAt: string;
}

/** Orders waiting for support's risk review, oldest first (the one waiting longest is due first), and how many there are. */
export const findOrdersOnHold = (db: Kysely<Database>, limit: number): Promise<SupportQueue<HeldOrderRow>> =>
  oldestFirst(db.selectFrom('orders').where('status', '=', 'on_hold'), ['id', 'email', 'risk_level', 'risk_score', 'total_amount', 'currency', 'created_at'], limit, (row) => ({
    orderId: row.id,
    email: row.email,
    riskLevel: row.risk_level,
    riskScore: row.risk_score,
    total: { amount: row.total_amount, currency: row.currency },
    createdAt: iso(row.created_at),
  }));

export interface QueuedRefundRow {
  refundId: string;
  orderId: string;
  amount: { amount: number; currency: string };
  reason: string;
  requestedBy: string;
  failureReason: string | null;
  approvalDeadline: string | null;
  createdAt: string;
}

/** Refunds in one state, oldest first (awaiting approval: the one closest to its deadline is due first), and how many there are. */
export const findRefundsWithStatus = (db: Kysely<Database>, status: 'awaiting_approval' | 'failed', limit: number): Promise<SupportQueue<QueuedRefundRow>> =>
  oldestFirst(
    db.selectFrom('refunds').where('status', '=', status),
    ['id', 'order_id', 'amount', 'currency', 'reason', 'requested_by', 'failure_reason', 'approval_deadline', 'created_at'],
    limit,
    (row) => ({
      refundId: row.id,
      orderId: row.order_id,
      amount: { amount: row.amount, currency: row.currency },
      reason: row.reason,
      requestedBy: row.requested_by,
      failureReason: row.failure_reason,
      approvalDeadline: row.approval_deadline ? iso(row.approval_deadline) : null,
      createdAt: iso(row.created_at),
    }),
  );

export interface ReturnToDecideRow {
  rmaId: string;
  orderId: string;
  reasonCode: string;
  requested: { amount: number; currency: string };
  createdAt: string;
}

/** Returns waiting for support's decision, oldest first (the one closest to its deadline is due first), and how many there are. */
export const findReturnsToDecide = (db: Kysely<Database>, limit: number): Promise<SupportQueue<ReturnToDecideRow>> =>
  oldestFirst(db.selectFrom('returns').where('status', '=', 'requested'), ['id', 'order_id', 'reason_code', 'requested_amount', 'currency', 'created_at'], limit, (row) => ({
    rmaId: row.id,
    orderId: row.order_id,
    reasonCode: row.reason_code,
    requested: { amount: row.requested_amount, currency: row.currency },
    createdAt: iso(row.created_at),
  }));

export interface UnrefundedReturnRow {
  rmaId: string;
  orderId: string;
  reasonCode: string;
  refusal: string;
  receivedAt: string | null;
}

/**
 * Received returns whose refund the order refused (its typed reason on the row), oldest first: the
 * goods are back and the customer has not been paid, so support decides what to do.
 */
export const findReturnsNotRefunded = (db: Kysely<Database>, limit: number): Promise<SupportQueue<UnrefundedReturnRow>> =>
  oldestFirst(db.selectFrom('returns').where('refund_status', '=', 'refund_refused'), ['id', 'order_id', 'reason_code', 'refund_refusal', 'received_at'], limit, (row) => ({
    rmaId: row.id,
    orderId: row.order_id,
    reasonCode: row.reason_code,
    refusal: row.refund_refusal ?? '',
    receivedAt: row.received_at ? iso(row.received_at) : null,
  }));
