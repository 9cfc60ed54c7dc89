import type { BusinessFailureType } from './business-failure';
import type { Money } from './money';
import type { RiskAssessment } from './risk';
import type { ShippingSpeed } from './shipping-estimate';
import type { TaxRate } from './tax';

/**
 * What the checkout workflow (`order-<orderId>`), its activities and the API share: the request,
 * the priced order, and the outcome the API answers with. Types only, plus the list of
 * rejection types the API maps to problem types.
 */

export type { ShippingSpeed };

export interface Address {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  /** ISO 3166-2 subdivision without the country prefix (`CA` for California); drives regional tax. */
  region?: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  phone?: string;
}

/**
 * One line as the shopper saw it: the cart's price snapshot. A cart line (domain/cart.ts) is
 * one, so `cart.lines` passes as is.
 */
export interface CheckoutLine {
  sku: string;
  productId: string;
  productName: string;
  /** A positive integer. */
  quantity: number;
  unitPrice: Money;
  /** Null when the catalog has no weight for the SKU (the estimate then assumes a default). */
  weightGrams: number | null;
}

/** Card data never reaches the server: the storefront sends the provider's payment method id. */
export type PaymentMethod = { provider: 'stripe'; paymentMethodId: string } | { provider: 'manual' };

export interface CheckoutRequest {
  cartId: string;
  email: string;
  shippingAddress: Address;
  /** The API copies the shipping address here when the shopper says "same as shipping". */
  billingAddress: Address;
  shippingSpeed: ShippingSpeed;
  paymentMethod: PaymentMethod;
  /** The shopper's language and formatting for the order's emails (BCP 47: `de-DE`); absent, the shipping country decides. */
  locale?: string;
}

export interface OrderTotalsLine {
  sku: string;
  quantity: number;
  unitPrice: Money;
  /** unitPrice x quantity */
  lineTotal: Money;
  /** This line's tax, rounded on its own (domain/tax.ts): a refund of the line returns exactly it. */
  lineTax: Money;
}

/**
 * Invariants (domain/order-totals.ts): total = subtotal + tax + shipping;
 * subtotal = sum of lineTotal; tax = sum of lineTax + shippingTax. All in `currency`.
 */
export interface OrderTotals {
  currency: string;
  lines: OrderTotalsLine[];
  subtotal: Money;
  shipping: Money;
  /** Zero where the jurisdiction does not tax shipping. */
  shippingTax: Money;
  tax: Money;
  total: Money;
  taxRate: TaxRate;
  /** Whether `shipping` is a carrier's quote or the rate card's estimate. */
  shippingSource: 'quote' | 'estimate';
}

export interface StockShortage {
  sku: string;
  requested: number;
  available: number;
}

export interface PriceChange {
  sku: string;
  /** The price in the cart snapshot, which the shopper saw. */
  was: Money;
  /** The catalog's price now. */
  now: Money;
}

/** The business failures checkout ends in; a subset of the closed union in business-failure.ts. */
export const checkoutRejectionTypes = [
  'OutOfStock',
  'PriceChanged',
  'PaymentDeclined',
  'RiskRejected',
  'AddressUndeliverable',
  'EmailInUse',
] as const satisfies readonly BusinessFailureType[];

export type CheckoutRejectionType = (typeof checkoutRejectionTypes)[number];

export interface CheckoutRejectionDetails {
  /** Also a SKU that is no longer sold (unknown, inactive, or now priced in another currency): available 0. */
  OutOfStock: { lines: StockShortage[] };
  /** `totals` are the order's totals at the current prices, so the shopper can confirm them. */
  PriceChanged: { lines: PriceChange[]; totals: OrderTotals };
  PaymentDeclined: { declineCode?: string };
  /** Risk reason codes (domain/risk.ts); the messages stay with support. */
  RiskRejected: { reasons: string[] };
  /** The carrier refused to quote for the shipping address. */
  AddressUndeliverable: { carrierMessage?: string };
  /** The email is another account's (emails name one account); nothing more is said about it. */
  EmailInUse: Record<string, never>;
}

export type CheckoutRejection = {
  [T in CheckoutRejectionType]: { type: T; message: string; details: CheckoutRejectionDetails[T] };
}[CheckoutRejectionType];

export function checkoutRejection<T extends CheckoutRejectionType>(
  type: T,
  message: string,
  details: CheckoutRejectionDetails[T],
): Extract<CheckoutRejection, { type: T }> {
  return { type, message, details } as Extract<CheckoutRejection, { type: T }>;
}

/** The first answer the API gets from the checkout update; the workflow goes on alone after it. */
export type CheckoutOutcome =
  | { status: 'confirmed'; orderId: string; totals: OrderTotals }
  | { status: 'on_hold'; orderId: string; totals: OrderTotals; risk: RiskAssessment }
  | { status: 'rejected'; orderId: string; reason: CheckoutRejection };
