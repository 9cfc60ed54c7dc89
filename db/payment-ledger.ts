import type { Kysely, Transaction } from 'kysely';
import type { Database, PaymentLedgerKind, PaymentLedgerRow } from './database';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewLedgerEntry {
  paymentId: string;
  orderId: string;
  kind: PaymentLedgerKind;
  amount: number;
  currency: string;
  providerReference: string | null;
  idempotencyKey: string;
}

/**
 * Appends one movement; its payment's totals follow in the same statement (a trigger). A key
 * already in the ledger appends nothing: undefined means a retry found its row there.
 */
export async function appendLedgerEntry(db: Db, entry: NewLedgerEntry): Promise<PaymentLedgerRow | undefined> {
  return db
    .insertInto('payment_ledger')
    .values({
      payment_id: entry.paymentId,
      order_id: entry.orderId,
      kind: entry.kind,
      amount: entry.amount,
      currency: entry.currency,
      provider_reference: entry.providerReference,
      idempotency_key: entry.idempotencyKey,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findLedgerEntry(db: Db, idempotencyKey: string): Promise<PaymentLedgerRow | undefined> {
  return db.selectFrom('payment_ledger').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

/** A payment's movements, oldest first. */
export async function findPaymentLedger(db: Db, paymentId: string): Promise<PaymentLedgerRow[]> {
  return db.selectFrom('payment_ledger').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
}
