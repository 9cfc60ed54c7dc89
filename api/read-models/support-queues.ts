import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { findOrdersOnHold, findRefundsWithStatus, findReturnsNotRefunded, findReturnsToDecide } from '../../db/support-queues';

/*
 * The work waiting for support, one list per queue with its count. Orders on hold are read from
 * their rows (the order workflow writes the status there with its own). Parcel problems are raised
 * by the order workflows themselves as the ParcelAlerts search attribute, so Temporal visibility
 * lists them, as the orders_stuck metric counts them. Refunds awaiting approval and failed refunds
 * are read from the refunds table, which the refund workflows keep in step with their stage; returns
 * waiting for support's decision, and received returns whose refund the order refused, from the
 * returns table.
 */

const QUEUE_SIZE = 50;
const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
const OrderStatus = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
const ParcelAlerts = defineSearchAttributeKey('ParcelAlerts', SearchAttributeType.KEYWORD_LIST);
export const parcelAlerts = ['LATE', 'FAILED', 'RETURNED', 'ADDRESS_PROBLEM'] as const;
const parcelProblemQuery = `ParcelAlerts IN (${parcelAlerts.map((a) => `"${a}"`).join(', ')}) AND ExecutionStatus = "Running"`;

/** A queue as the console reads it: how many wait, and the first of them. */
const queueOf = <Item extends z.ZodType>(item: Item) => z.object({ count: z.number().int(), items: z.array(item) });

const refundQueue = queueOf(
  z.object({
    refundId: z.string(),
    orderId: z.string(),
    amount: z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() }),
    reason: z.string(),
    requestedBy: z.string(),
    failureReason: z.string().nullable(),
    approvalDeadline: z.string().nullable().describe('When a refund awaiting approval expires'),
    createdAt: z.string(),
  }),
);

export const supportQueues = z.object({
  onHold: queueOf(
    z.object({
      orderId: z.string(),
      email: z.string(),
      riskLevel: z.string().nullable(),
      riskScore: z.number().int().nullable(),
      total: z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() }),
      createdAt: z.string(),
    }),
  ).describe('Orders held for risk review, oldest first'),
  parcelProblems: queueOf(z.object({ orderId: z.string(), orderStatus: z.string().nullable(), alerts: z.array(z.enum(parcelAlerts)) })).describe("Running orders with a parcel late, failed, returned or with an address problem (the order workflows' ParcelAlerts)"),
  refundsAwaitingApproval: refundQueue.describe('Refunds above the approval threshold waiting for an admin other than their requester, oldest first'),
  failedRefunds: refundQueue.describe('Refunds the provider refused or that failed, oldest first'),
  returnsToDecide: queueOf(
    z.object({
      rmaId: z.string(),
      orderId: z.string(),
      reasonCode: z.string(),
      requested: z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() }),
      createdAt: z.string(),
    }),
  ).describe("Returns (RMAs) waiting for support's approval or denial, oldest first"),
  returnsNotRefunded: queueOf(
    z.object({
      rmaId: z.string(),
      orderId: z.string(),
      reasonCode: z.string(),
      refusal: z.string().describe("The order's typed reason for refusing the return's refund"),
      receivedAt: z.string().nullable(),
    }),
  ).describe('Received returns whose refund the order refused (goods back, customer not paid), oldest first'),
});
export type SupportQueues = z.infer<typeof supportQueues>;

export async function loadSupportQueues(db: Kysely<Database>, temporal: TemporalClient): Promise<SupportQueues> {
  const [onHold, problemCount, problemItems, refundsAwaitingApproval, failedRefunds, returnsToDecide, returnsNotRefunded] = await Promise.all([
    findOrdersOnHold(db, QUEUE_SIZE),
    temporal.workflow.count(parcelProblemQuery),
    listParcelProblems(temporal),
    findRefundsWithStatus(db, 'awaiting_approval', QUEUE_SIZE),
    findRefundsWithStatus(db, 'failed', QUEUE_SIZE),
    findReturnsToDecide(db, QUEUE_SIZE),
    findReturnsNotRefunded(db, QUEUE_SIZE),
  ]);
  return { onHold, parcelProblems: { count: problemCount.count, items: problemItems }, refundsAwaitingApproval, failedRefunds, returnsToDecide, returnsNotRefunded };
}

async function listParcelProblems(temporal: TemporalClient): Promise<SupportQueues['parcelProblems']['items']> {
  const items: SupportQueues['parcelProblems']['items'] = [];
  for await (const run of temporal.workflow.list({ query: parcelProblemQuery, pageSize: QUEUE_SIZE })) {
    const orderId = run.typedSearchAttributes.get(OrderId);
    if (orderId) {
      const alerts = (run.typedSearchAttributes.get(ParcelAlerts) ?? []).filter((a): a is (typeof parcelAlerts)[number] => (parcelAlerts as readonly string[]).includes(a));
      items.push({ orderId, orderStatus: run.typedSearchAttributes.get(OrderStatus)?.toLowerCase() ?? null, alerts });
    }
    if (items.length >= QUEUE_SIZE) break;
  }
  return items;
}
