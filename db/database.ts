import type { BrandTable, CategoryTable, ProductImageTable, ProductTable, ProductVariantTable, SellerTable } from './tables/catalog.table';
import type { AddressTable, CustomerTable } from './tables/customers.table';
import type { IdempotencyKeyTable } from './tables/idempotency-keys.table';
import type {
  BackInStockSubscriptionTable,
  InventoryAlertSettingsTable,
  InventoryMovementTable,
  InventoryReceiptLineTable,
  InventoryReceiptTable,
  InventoryReservationTable,
  InventoryTable,
  WarehouseTable,
} from './tables/inventory.table';
import type { NotificationTable } from './tables/notifications.table';
import type { OrderItemTable, OrderTable } from './tables/orders.table';
import type { PaymentLedgerTable } from './tables/payment-ledger.table';
import type { PaymentEventTable, PaymentTable, RefundTable } from './tables/payments.table';
import type { ReturnLineTable, ReturnTable } from './tables/returns.table';
import type { ShipmentEventTable, ShipmentItemTable, ShipmentTable } from './tables/shipments.table';
import type { SupportActionTable } from './tables/support-actions.table';

/** The kysely schema: table name -> table interface, one *.table.ts per table group in tables/. */
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
  inventory_alert_settings: InventoryAlertSettingsTable;
  back_in_stock_subscriptions: BackInStockSubscriptionTable;
  payments: PaymentTable;
  payment_events: PaymentEventTable;
  payment_ledger: PaymentLedgerTable;
  refunds: RefundTable;
  shipments: ShipmentTable;
  shipment_items: ShipmentItemTable;
  shipment_events: ShipmentEventTable;
  notifications: NotificationTable;
  idempotency_keys: IdempotencyKeyTable;
  support_actions: SupportActionTable;
  returns: ReturnTable;
  return_lines: ReturnLineTable;
}

export type { VariantAttributes } from './tables/catalog.table';
export type { JsonObject, PostalAddress } from './tables/column-types';
export type { OrderStatus, RiskLevel } from './tables/orders.table';
export type { PaymentLedgerKind, PaymentLedgerRow } from './tables/payment-ledger.table';
export type { PaymentProvider, PaymentRow, PaymentStatus, RefundItem, RefundStatus } from './tables/payments.table';
export { refundStatuses } from './tables/payments.table';
export type { ShipmentRow, ShipmentStatus } from './tables/shipments.table';
export { shipmentStatuses } from './tables/shipments.table';
