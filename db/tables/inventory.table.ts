import type { Generated, GeneratedAlways } from 'kysely';
import type { JsonWithDefault, NullableTimestamp, PostalAddress, Timestamp } from './column-types';

export interface WarehouseTable {
  id: Generated<string>;
  code: string;
  name: string;
  country: string;
  region: string;
  address: JsonWithDefault<Partial<PostalAddress>>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InventoryTable {
  sku: string;
  warehouse_id: string;
  /** Must equal the sum of inventory_movements.quantity_delta for (sku, warehouse). */
  on_hand: Generated<number>;
  /** 0 <= reserved <= on_hand, enforced by CHECK constraints. */
  reserved: Generated<number>;
  /** Incremented by a trigger on every update. */
  version: Generated<number>;
  /** null: inventory_alert_settings.default_low_stock_threshold. */
  low_stock_threshold: number | null;
  /** Kept by the inventory_low_stock trigger: true while available stock is known to be below the threshold. */
  low_stock_alerted: Generated<boolean>;
  /** Kept by the trigger: crossings alerted so far (part of each alert's dedupe key). */
  low_stock_crossings: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row: what the low-stock trigger needs from configuration, written from it at startup. */
export interface InventoryAlertSettingsTable {
  id: Generated<boolean>;
  default_low_stock_threshold: number;
  ops_alert_email: string;
  updated_at: Timestamp;
}

export interface InventoryReservationTable {
  id: Generated<string>;
  order_id: string;
  sku: string;
  warehouse_id: string;
  quantity: number;
  status: Generated<'reserved' | 'released' | 'committed'>;
  expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Append-only: the database refuses UPDATE and DELETE. */
export interface InventoryMovementTable {
  id: GeneratedAlways<number>;
  sku: string;
  warehouse_id: string;
  quantity_delta: number;
  reason: 'initial' | 'receipt' | 'reservation_commit' | 'adjustment' | 'return' | 'write_off';
  reference_type: string;
  /** (reason, reference_id, sku, warehouse_id) is unique: a retried insert is a no-op with ON CONFLICT DO NOTHING. */
  reference_id: string;
  note: string | null;
  created_at: Timestamp;
}

export interface InventoryReceiptTable {
  receipt_id: string;
  warehouse_id: string;
  status: Generated<'pending' | 'completed' | 'failed'>;
  created_by: string;
  note: string | null;
  failure_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface InventoryReceiptLineTable {
  receipt_id: string;
  sku: string;
  quantity: number;
}

/** "Tell me when it is back in stock": waiting until a restock brings the SKU back, then notified (final). */
export interface BackInStockSubscriptionTable {
  id: Generated<string>;
  sku: string;
  customer_subject: string;
  email: string;
  status: Generated<'waiting' | 'notified'>;
  notified_at: NullableTimestamp;
  notified_by_receipt: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
