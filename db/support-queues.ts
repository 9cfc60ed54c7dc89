import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface HeldOrderRow {
  orderId: string;
  email: string;
  riskLevel: string | null;
  riskScore: number | null;
  total: { amount: number; currency: string };
  createdAt: string;
}

/** Orders waiting for support's risk review, oldest first (the one waiting longest is due first), and how many there are. */
export async function findOrdersOnHold(db: Kysely<Database>, limit: number): Promise<{ count: number; items: HeldOrderRow[] }> {
  const [counted, rows] = await Promise.all([
    db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('count')).where('status', '=', 'on_hold').executeTakeFirstOrThrow(),
    db
      .selectFrom('orders')
      .select(['id', 'email', 'risk_level', 'risk_score', 'total_amount', 'currency', 'created_at'])
      .where('status', '=', 'on_hold')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(counted.count),
    items: rows.map((row) => ({
      orderId: row.id,
      email: row.email,
      riskLevel: row.risk_level,
      riskScore: row.risk_score,
      total: { amount: row.total_amount, currency: row.currency },
      createdAt: new Date(row.created_at).toISOString(),
    })),
  };
}

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
export async function findRefundsWithStatus(db: Kysely<Database>, status: 'awaiting_approval' | 'failed', limit: number): Promise<{ count: number; items: QueuedRefundRow[] }> {
  const [counted, rows] = await Promise.all([
    db.selectFrom('refunds').select((eb) => eb.fn.countAll<string>().as('count')).where('status', '=', status).executeTakeFirstOrThrow(),
    db
      .selectFrom('refunds')
      .select(['id', 'order_id', 'amount', 'currency', 'reason', 'requested_by', 'failure_reason', 'approval_deadline', 'created_at'])
      .where('status', '=', status)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(counted.count),
    items: rows.map((row) => ({
      refundId: row.id,
      orderId: row.order_id,
      amount: { amount: row.amount, currency: row.currency },
      reason: row.reason,
      requestedBy: row.requested_by,
      failureReason: row.failure_reason,
      approvalDeadline: row.approval_deadline ? new Date(row.approval_deadline).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
    })),
  };
}

export interface ReturnToDecideRow {
  rmaId: string;
  orderId: string;
  reasonCode: string;
  requested: { amount: number; currency: string };
  createdAt: string;
}

/** Returns waiting for support's decision, oldest first (the one closest to its deadline is due first), and how many there are. */
export async function findReturnsToDecide(db: Kysely<Database>, limit: number): Promise<{ count: number; items: ReturnToDecideRow[] }> {
  const [counted, rows] = await Promise.all([
    db.selectFrom('returns').select((eb) => eb.fn.countAll<string>().as('count')).where('status', '=', 'requested').executeTakeFirstOrThrow(),
    db
      .selectFrom('returns')
      .select(['id', 'order_id', 'reason_code', 'requested_amount', 'currency', 'created_at'])
      .where('status', '=', 'requested')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(counted.count),
    items: rows.map((row) => ({
      rmaId: row.id,
      orderId: row.order_id,
      reasonCode: row.reason_code,
      requested: { amount: row.requested_amount, currency: row.currency },
      createdAt: new Date(row.created_at).toISOString(),
    })),
  };
}
