import type { GeneratedAlways, Selectable } from 'kysely';
import type { CurrencyCode, Timestamp } from './column-types';

export type PaymentLedgerKind = 'authorized' | 'captured' | 'cancelled' | 'refund_requested' | 'refunded' | 'refund_failed';

/**
 * Append-only: the database refuses UPDATE and DELETE. Inserting a row moves its payment's totals
 * (authorized, captured, refunded) in the same statement, so the payments CHECKs judge every movement.
 */
export interface PaymentLedgerTable {
  id: GeneratedAlways<number>;
  /** (payment_id, order_id, currency) must be the payment's own. */
  payment_id: string;
  order_id: string;
  kind: PaymentLedgerKind;
  /** Minor units, > 0. */
  amount: number;
  currency: CurrencyCode;
  /** The provider's id of what moved: the PaymentIntent, a refund, manual:<key>. */
  provider_reference: string | null;
  /** Unique: the key of the activity that appended it, so a retry appends nothing. */
  idempotency_key: string;
  created_at: Timestamp;
}

export type PaymentLedgerRow = Selectable<PaymentLedgerTable>;
