import type { ColumnType, Generated } from 'kysely';
import type { OrderStatus } from '../../domain/order-state';
import type { RiskLevel } from '../../domain/risk';
import type { CurrencyCode, Json, JsonWithDefault, NullableTimestamp, PostalAddress, Timestamp } from './column-types';

// The statuses are domain/order-state.ts's orderStatuses, which the orders_status_check
// constraint must accept exactly (test/db/constraints.test.ts proves it against PostgreSQL).
export type { OrderStatus, RiskLevel };

export interface OrderTable {
  id: Generated<string>;
  customer_id: string | null;
  email: string;
  status: Generated<OrderStatus>;
  status_reason: string | null;
  currency: CurrencyCode;
  /** BCP 47 (`de-DE`): the language and formatting of the order's emails; null derives it from the shipping country. */
  locale: ColumnType<string | null, string | null | undefined, string | null>;
  subtotal_amount: number;
  tax_amount: Generated<number>;
  shipping_amount: Generated<number>;
  total_amount: number;
  /** One order per key, enforced by a unique constraint. */
  idempotency_key: string;
  shipping_address: Json<PostalAddress>;
  billing_address: Json<PostalAddress | null>;
  risk_score: number | null;
  risk_level: RiskLevel | null;
  risk_reasons: JsonWithDefault<string[]>;
  risk_reviewed_by: string | null;
  risk_reviewed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  confirmed_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  /** Bumped by a trigger on every change of the order: the version its search document carries. */
  search_version: Generated<number>;
  /** The version last written to the orders index; below search_version means the index lags. */
  search_indexed_version: Generated<number>;
}

export interface OrderItemTable {
  id: Generated<string>;
  order_id: string;
  sku: string;
  /** Snapshot at checkout, so later catalog edits do not rewrite history. */
  product_name: string;
  quantity: number;
  unit_price_amount: number;
  total_amount: number;
  created_at: Timestamp;
}
