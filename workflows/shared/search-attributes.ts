import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';

// Custom search attributes let ops find any run in the Temporal UI or with
// `temporal workflow list --query 'OrderStatus="ON_HOLD"'`. Registered by
// scripts/register-search-attributes.ts and by the test environment from this one list.
export const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderStatus = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const OrderTotal = defineSearchAttributeKey('OrderTotal', SearchAttributeType.INT);
export const RiskLevel = defineSearchAttributeKey('RiskLevel', SearchAttributeType.KEYWORD);
export const Carrier = defineSearchAttributeKey('Carrier', SearchAttributeType.KEYWORD);
export const TrackingNumber = defineSearchAttributeKey('TrackingNumber', SearchAttributeType.KEYWORD);
export const WarehouseCode = defineSearchAttributeKey('WarehouseCode', SearchAttributeType.KEYWORD);
/** A parcel's stage (AWAITING_PACK, LABEL_PURCHASED, HANDED_OVER, DELIVERED, ...), or LABEL_OVERDUE and DELAYED when a deadline passed. */
export const ShipmentStatus = defineSearchAttributeKey('ShipmentStatus', SearchAttributeType.KEYWORD);
export const Skus = defineSearchAttributeKey('Skus', SearchAttributeType.KEYWORD_LIST);
/** Something about an order's money ops must act on: AUTHORIZATION_EXPIRED (the hold lapsed with money uncollected). */
export const PaymentAlert = defineSearchAttributeKey('PaymentAlert', SearchAttributeType.KEYWORD);
/** What an order's parcels need from support now: LATE, FAILED, RETURNED, ADDRESS_PROBLEM (`ParcelAlerts="FAILED"`). */
export const ParcelAlerts = defineSearchAttributeKey('ParcelAlerts', SearchAttributeType.KEYWORD_LIST);

/**
 * A refund's stage (REQUESTED, AWAITING_APPROVAL, PROCESSING, SUCCEEDED, FAILED, EXPIRED, REFUSED):
 * on refund-<id>, and on its order as its latest refund's (`RefundStatus="FAILED"` finds orders support must look at).
 */
export const RefundStatus = defineSearchAttributeKey('RefundStatus', SearchAttributeType.KEYWORD);
/**
 * A return's stage (REQUESTED, APPROVED, LABEL_SENT, RECEIVED, DENIED, EXPIRED), one value:
 * `ReturnStatus="REQUESTED"` is support's queue of undecided returns. A keyword list because
 * SQL visibility stores (the dev server's SQLite, PostgreSQL) hold at most ten keywords, all taken.
 */
export const ReturnStatus = defineSearchAttributeKey('ReturnStatus', SearchAttributeType.KEYWORD_LIST);

export const searchAttributes = [
  OrderId,
  CustomerId,
  OrderStatus,
  OrderTotal,
  RiskLevel,
  Carrier,
  TrackingNumber,
  WarehouseCode,
  ShipmentStatus,
  Skus,
  PaymentAlert,
  ParcelAlerts,
  RefundStatus,
  ReturnStatus,
];

/** Values to upsert together, as upsertSearchAttributes takes them. */
export type SearchAttributeUpdates = SearchAttributeUpdatePair[];
