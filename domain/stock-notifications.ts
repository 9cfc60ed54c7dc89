/**
 * What the stock queues in the notifications outbox, for whoever renders and sends it. The
 * low-stock payload is built by the database (the inventory_low_stock trigger), the back-in-stock
 * one by db/back-in-stock.ts; both are tested against these shapes.
 */
export const stockNotificationTemplates = { lowStock: 'low-stock', backInStock: 'back-in-stock' } as const;

/** To ops (OPS_ALERT_EMAIL), once per crossing: dedupe key `low-stock/<warehouseCode>/<sku>/<crossing>`. */
export interface LowStockAlertPayload {
  sku: string;
  productId: string;
  productName: string;
  warehouseCode: string;
  warehouseName: string;
  /** On hand minus reserved in this warehouse, right after the crossing. */
  available: number;
  onHand: number;
  reserved: number;
  threshold: number;
  /** The n-th crossing of this SKU in this warehouse. */
  crossing: number;
}

/** To a customer who waited, once per subscription: dedupe key `back-in-stock/<subscriptionId>`. */
export interface BackInStockEmailPayload {
  subscriptionId: string;
  sku: string;
  attributes: Record<string, unknown>;
  productId: string;
  productName: string;
  /** GET /products/{slug} */
  productSlug: string;
  price: { amount: number; currency: string };
  /** Units available over all warehouses when the restock told them. */
  available: number;
  /** The restock that brought it back. */
  warehouseCode: string;
  receiptId: string;
}
