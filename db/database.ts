import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamptz column with a database default. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamptz column without a default that must be given on insert. */
export type RequiredTimestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// node-postgres sends JS arrays as Postgres array literals, not JSON, so arrays must be written
// as JSON text (JSON.stringify); plain objects are stringified by the driver itself.
type JsonWrite<T> = T extends readonly unknown[] ? string : T | string;
/** A jsonb column without a default. */
export type Json<T> = ColumnType<T, JsonWrite<T>, JsonWrite<T>>;
/** A jsonb column with a database default. */
export type JsonWithDefault<T> = ColumnType<T, JsonWrite<T> | undefined, JsonWrite<T>>;

/** ISO 4217 code, upper case. */
export type CurrencyCode = string;

export interface PostalAddress {
  name?: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postal_code?: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  phone?: string;
  email?: string;
}

// ---------------------------------------------------------------- catalog

export type SellerStatus = 'active' | 'suspended';

export interface SellerTable {
  id: Generated<string>;
  slug: string;
  name: string;
  email: string | null;
  country: string;
  status: Generated<SellerStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CategoryTable {
  id: Generated<string>;
  parent_id: string | null;
  slug: string;
  name: string;
  /** Slug path from the root, e.g. `apparel/mens/mens-jeans`; maintained by a trigger. */
  path: Generated<string>;
  /** 0 for a root; maintained by a trigger. */
  depth: Generated<number>;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: Timestamp;
}

export type ProductStatus = 'active' | 'inactive';

export interface ProductTable {
  id: Generated<string>;
  seller_id: string;
  category_id: string;
  brand_id: string | null;
  slug: string;
  name: string;
  description: Generated<string>;
  status: Generated<ProductStatus>;
  /** Bumped on every change that affects the search document; used as the Elasticsearch external version. */
  search_version: Generated<number>;
  /** The search_version last written to Elasticsearch; lower than search_version means the index lags. */
  search_indexed_version: Generated<number>;
  /** Average rating in tenths of a star (10..50), null before the first review. */
  rating_tenths: number | null;
  review_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type VariantAttributes = Record<string, string>;

export interface ProductVariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  attributes: JsonWithDefault<VariantAttributes>;
  price_amount: number;
  currency: CurrencyCode;
  weight_grams: number | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  url: string;
  alt_text: Generated<string>;
  position: Generated<number>;
  created_at: Timestamp;
}

// ---------------------------------------------------------------- customers

export interface CustomerTable {
  id: Generated<string>;
  /** The subject of the customer's bearer tokens; unique when set. */
  auth_subject: string | null;
  /** Unique case-insensitively (unique index on lower(email)). */
  email: string;
  name: string | null;
  phone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AddressTable {
  id: Generated<string>;
  customer_id: string;
  recipient_name: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string | null;
  country: string;
  phone: string | null;
  /** At most one default address per customer. */
  is_default: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

// ---------------------------------------------------------------- orders

export type OrderStatus =
  | 'pending'
  | 'on_hold'
  | 'rejected'
  | 'confirmed'
  | 'partially_shipped'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'returned'
  | 'refunded'
  | 'closed';

export type RiskLevel = 'low' | 'medium' | 'high';

export interface OrderTable {
  id: Generated<string>;
  customer_id: string | null;
  email: string;
  status: Generated<OrderStatus>;
  status_reason: string | null;
  currency: CurrencyCode;
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

// ---------------------------------------------------------------- warehouses and inventory

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
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ReservationStatus = 'reserved' | 'released' | 'committed';

export interface InventoryReservationTable {
  id: Generated<string>;
  order_id: string;
  sku: string;
  warehouse_id: string;
  quantity: number;
  status: Generated<ReservationStatus>;
  expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MovementReason = 'initial' | 'receipt' | 'reservation_commit' | 'adjustment' | 'return';

/** Append-only: the database refuses UPDATE and DELETE. */
export interface InventoryMovementTable {
  id: GeneratedAlways<number>;
  sku: string;
  warehouse_id: string;
  quantity_delta: number;
  reason: MovementReason;
  reference_type: string;
  /** (reason, reference_id, sku, warehouse_id) is unique: a retried insert is a no-op with ON CONFLICT DO NOTHING. */
  reference_id: string;
  note: string | null;
  created_at: Timestamp;
}

export type ReceiptStatus = 'pending' | 'completed' | 'failed';

export interface InventoryReceiptTable {
  receipt_id: string;
  warehouse_id: string;
  status: Generated<ReceiptStatus>;
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

// ---------------------------------------------------------------- payments

export type PaymentProvider = 'stripe' | 'manual';

export type PaymentStatus =
  | 'pending'
  | 'requires_action'
  | 'authorized'
  | 'partially_captured'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'cancelled'
  | 'expired'
  | 'failed';

export interface PaymentTable {
  id: Generated<string>;
  order_id: string;
  provider: PaymentProvider;
  /** Unique per provider, e.g. the Stripe PaymentIntent id. */
  external_id: string | null;
  status: Generated<PaymentStatus>;
  currency: CurrencyCode;
  /** 0 <= refunded <= captured <= authorized, enforced by CHECK constraints. */
  authorized_amount: Generated<number>;
  captured_amount: Generated<number>;
  refunded_amount: Generated<number>;
  authorization_expires_at: NullableTimestamp;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PaymentEventTable {
  id: GeneratedAlways<number>;
  provider: PaymentProvider;
  /** Unique per provider: a redelivered webhook is refused. */
  provider_event_id: string;
  payment_id: string | null;
  type: string;
  payload: JsonWithDefault<JsonObject>;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

export type RefundStatus =
  | 'requested'
  | 'awaiting_approval'
  | 'approved'
  | 'rejected'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface RefundItem {
  sku: string;
  quantity: number;
  amount: number;
  restock?: boolean;
}

export interface RefundTable {
  id: Generated<string>;
  order_id: string;
  payment_id: string;
  amount: number;
  currency: CurrencyCode;
  status: Generated<RefundStatus>;
  reason: string;
  idempotency_key: string;
  external_id: string | null;
  items: JsonWithDefault<RefundItem[]>;
  requested_by: string;
  approved_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

// ---------------------------------------------------------------- shipments

export type ShipmentStatus =
  | 'pending'
  | 'label_purchased'
  | 'in_transit'
  | 'out_for_delivery'
  | 'delivered'
  | 'exception'
  | 'returned'
  | 'cancelled';

export interface ShipmentTable {
  id: Generated<string>;
  order_id: string;
  warehouse_id: string;
  status: Generated<ShipmentStatus>;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  label_id: string | null;
  label_url: string | null;
  /** Address snapshot at label time. */
  ship_to: Json<PostalAddress>;
  /** Set together with cost_currency, or both null. */
  cost_amount: number | null;
  cost_currency: CurrencyCode | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  shipped_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
}

export interface ShipmentItemTable {
  shipment_id: string;
  order_item_id: string;
  quantity: number;
}

export interface ShipmentEventTable {
  id: GeneratedAlways<number>;
  shipment_id: string;
  carrier: string;
  /** Unique per carrier: a redelivered tracking webhook is refused. */
  carrier_event_id: string;
  status: string;
  description: string | null;
  location: string | null;
  occurred_at: RequiredTimestamp;
  received_at: Timestamp;
  payload: JsonWithDefault<JsonObject>;
}

// ---------------------------------------------------------------- operations

export type NotificationChannel = 'email' | 'sms';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

export interface NotificationTable {
  id: Generated<string>;
  channel: Generated<NotificationChannel>;
  recipient: string;
  template: string;
  payload: JsonWithDefault<JsonObject>;
  status: Generated<NotificationStatus>;
  dedupe_key: string;
  order_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
}

export type IdempotencyKeyStatus = 'in_progress' | 'completed' | 'failed';

export interface IdempotencyKeyTable {
  /** Primary key is (scope, key). */
  scope: string;
  key: string;
  request_hash: string;
  status: Generated<IdempotencyKeyStatus>;
  response_status: number | null;
  response: Json<JsonValue>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SupportActionOutcome = 'accepted' | 'refused';

/** Append-only audit: the database refuses UPDATE and DELETE. */
export interface SupportActionTable {
  id: GeneratedAlways<number>;
  /** Unique when set: the id of the action (e.g. the workflow update id), so a retried insert is a no-op. */
  action_id: string | null;
  actor_id: string;
  actor_role: string;
  action: string;
  order_id: string | null;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  outcome: Generated<SupportActionOutcome>;
  payload: JsonWithDefault<JsonObject>;
  created_at: Timestamp;
}

export interface Database {
  sellers: SellerTable;
  categories: CategoryTable;
  brands: BrandTable;
  products: ProductTable;
  product_variants: ProductVariantTable;
  product_images: ProductImageTable;
  customers: CustomerTable;
  addresses: AddressTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  warehouses: WarehouseTable;
  inventory: InventoryTable;
  inventory_reservations: InventoryReservationTable;
  inventory_movements: InventoryMovementTable;
  inventory_receipts: InventoryReceiptTable;
  inventory_receipt_lines: InventoryReceiptLineTable;
  payments: PaymentTable;
  payment_events: PaymentEventTable;
  refunds: RefundTable;
  shipments: ShipmentTable;
  shipment_items: ShipmentItemTable;
  shipment_events: ShipmentEventTable;
  notifications: NotificationTable;
  idempotency_keys: IdempotencyKeyTable;
  support_actions: SupportActionTable;
}

export type SellerRow = Selectable<SellerTable>;
export type InsertableSellerRow = Insertable<SellerTable>;
export type UpdateableSellerRow = Updateable<SellerTable>;

export type CategoryRow = Selectable<CategoryTable>;
export type InsertableCategoryRow = Insertable<CategoryTable>;
export type UpdateableCategoryRow = Updateable<CategoryTable>;

export type BrandRow = Selectable<BrandTable>;
export type InsertableBrandRow = Insertable<BrandTable>;
export type UpdateableBrandRow = Updateable<BrandTable>;

export type ProductRow = Selectable<ProductTable>;
export type InsertableProductRow = Insertable<ProductTable>;
export type UpdateableProductRow = Updateable<ProductTable>;

export type ProductVariantRow = Selectable<ProductVariantTable>;
export type InsertableProductVariantRow = Insertable<ProductVariantTable>;
export type UpdateableProductVariantRow = Updateable<ProductVariantTable>;

export type ProductImageRow = Selectable<ProductImageTable>;
export type InsertableProductImageRow = Insertable<ProductImageTable>;
export type UpdateableProductImageRow = Updateable<ProductImageTable>;

export type CustomerRow = Selectable<CustomerTable>;
export type InsertableCustomerRow = Insertable<CustomerTable>;
export type UpdateableCustomerRow = Updateable<CustomerTable>;

export type AddressRow = Selectable<AddressTable>;
export type InsertableAddressRow = Insertable<AddressTable>;
export type UpdateableAddressRow = Updateable<AddressTable>;

export type OrderRow = Selectable<OrderTable>;
export type InsertableOrderRow = Insertable<OrderTable>;
export type UpdateableOrderRow = Updateable<OrderTable>;

export type OrderItemRow = Selectable<OrderItemTable>;
export type InsertableOrderItemRow = Insertable<OrderItemTable>;
export type UpdateableOrderItemRow = Updateable<OrderItemTable>;

export type WarehouseRow = Selectable<WarehouseTable>;
export type InsertableWarehouseRow = Insertable<WarehouseTable>;
export type UpdateableWarehouseRow = Updateable<WarehouseTable>;

export type InventoryRow = Selectable<InventoryTable>;
export type InsertableInventoryRow = Insertable<InventoryTable>;
export type UpdateableInventoryRow = Updateable<InventoryTable>;

export type InventoryReservationRow = Selectable<InventoryReservationTable>;
export type InsertableInventoryReservationRow = Insertable<InventoryReservationTable>;
export type UpdateableInventoryReservationRow = Updateable<InventoryReservationTable>;

// No Updateable type: the ledger is append-only.
export type InventoryMovementRow = Selectable<InventoryMovementTable>;
export type InsertableInventoryMovementRow = Insertable<InventoryMovementTable>;

export type InventoryReceiptRow = Selectable<InventoryReceiptTable>;
export type InsertableInventoryReceiptRow = Insertable<InventoryReceiptTable>;
export type UpdateableInventoryReceiptRow = Updateable<InventoryReceiptTable>;

export type InventoryReceiptLineRow = Selectable<InventoryReceiptLineTable>;
export type InsertableInventoryReceiptLineRow = Insertable<InventoryReceiptLineTable>;
export type UpdateableInventoryReceiptLineRow = Updateable<InventoryReceiptLineTable>;

export type PaymentRow = Selectable<PaymentTable>;
export type InsertablePaymentRow = Insertable<PaymentTable>;
export type UpdateablePaymentRow = Updateable<PaymentTable>;

export type PaymentEventRow = Selectable<PaymentEventTable>;
export type InsertablePaymentEventRow = Insertable<PaymentEventTable>;
export type UpdateablePaymentEventRow = Updateable<PaymentEventTable>;

export type RefundRow = Selectable<RefundTable>;
export type InsertableRefundRow = Insertable<RefundTable>;
export type UpdateableRefundRow = Updateable<RefundTable>;

export type ShipmentRow = Selectable<ShipmentTable>;
export type InsertableShipmentRow = Insertable<ShipmentTable>;
export type UpdateableShipmentRow = Updateable<ShipmentTable>;

export type ShipmentItemRow = Selectable<ShipmentItemTable>;
export type InsertableShipmentItemRow = Insertable<ShipmentItemTable>;
export type UpdateableShipmentItemRow = Updateable<ShipmentItemTable>;

export type ShipmentEventRow = Selectable<ShipmentEventTable>;
export type InsertableShipmentEventRow = Insertable<ShipmentEventTable>;
export type UpdateableShipmentEventRow = Updateable<ShipmentEventTable>;

export type NotificationRow = Selectable<NotificationTable>;
export type InsertableNotificationRow = Insertable<NotificationTable>;
export type UpdateableNotificationRow = Updateable<NotificationTable>;

export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;
export type InsertableIdempotencyKeyRow = Insertable<IdempotencyKeyTable>;
export type UpdateableIdempotencyKeyRow = Updateable<IdempotencyKeyTable>;

// No Updateable type: the audit log is append-only.
export type SupportActionRow = Selectable<SupportActionTable>;
export type InsertableSupportActionRow = Insertable<SupportActionTable>;
