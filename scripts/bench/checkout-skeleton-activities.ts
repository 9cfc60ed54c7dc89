import type { AuthorizePaymentInput, PaymentAuthorized } from '../../activities/payments/payment-activities';
import type { StockReserved } from '../../activities/inventory/inventory-activities';
import type { CurrentPrice } from '../../activities/catalog/catalog-activities';
import type { RateRequest } from '../../activities/shipping/carrier';
import type { CustomerRecord, NewOrder, StatusNotification } from '../../db/orders';
import type { OrderStatus } from '../../db/database';
import type { AllocationLine } from '../../domain/allocation';
import type { CheckoutLine } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import type { PaymentEvent } from '../../domain/payment-event';

const WAREHOUSE = { warehouseId: '00000000-0000-4000-8000-000000000001', warehouseCode: 'BENCH-1' };

/** Two lines shaped like a real cart's, so payloads through Temporal weigh about the same. */
export const cannedLines: CheckoutLine[] = [
  { sku: 'BENCH-0001-M', productId: '00000000-0000-4000-8000-000000000101', productName: 'Bench product 0001', quantity: 1, unitPrice: { amount: 2599, currency: 'USD' }, weightGrams: 400 },
  { sku: 'BENCH-0002-M', productId: '00000000-0000-4000-8000-000000000102', productName: 'Bench product 0002', quantity: 1, unitPrice: { amount: 1899, currency: 'USD' }, weightGrams: 400 },
];

/**
 * The checkout's activities with the same names and signatures, each answering at once with a
 * canned result: what is left when they run is Temporal, the workers and the API.
 */
export function createSkeletonActivities({ onIndexed }: { onIndexed: (orderId: string) => void }) {
  return {
    async snapshotCart(_input: { cartId: string; customerId: string }): Promise<CheckoutLine[]> {
      return cannedLines;
    },
    async currentPrices(skus: string[]): Promise<CurrentPrice[]> {
      return skus.map((sku) => ({ sku, unitPrice: cannedLines.find((l) => l.sku === sku)!.unitPrice, active: true }));
    },
    async quoteShipping(request: RateRequest): Promise<Money> {
      return { amount: 599, currency: request.currency };
    },
    async identifyCustomer(_input: { subject: string; email: string }): Promise<CustomerRecord> {
      return { id: '00000000-0000-4000-8000-000000000201', ordersLast24h: 0, ordersEver: 0 };
    },
    async createOrder(_order: NewOrder): Promise<void> {},
    async reserveStock({ lines }: { orderId: string; lines: AllocationLine[]; expiresAt: string }): Promise<StockReserved> {
      return { parcels: [{ ...WAREHOUSE, lines }], productIds: cannedLines.map((l) => l.productId) };
    },
    async authorizePayment(input: AuthorizePaymentInput): Promise<PaymentAuthorized> {
      return { status: 'authorized', paymentId: '00000000-0000-4000-8000-000000000301', externalId: `manual:${input.idempotencyKey}`, authorizationExpiresAt: null, multicapture: true };
    },
    async storedPaymentEvents(_paymentIntentId: string): Promise<PaymentEvent[]> {
      return [];
    },
    async setOrderStatus(_input: { orderId: string; status: OrderStatus; reason?: string; notification?: StatusNotification }): Promise<void> {},
    async clearOrderedLines(_input: { cartId: string; skus: string[] }): Promise<void> {},
    async indexOrder(orderId: string): Promise<'indexed'> {
      onIndexed(orderId);
      return 'indexed';
    },
  };
}

export type SkeletonActivities = ReturnType<typeof createSkeletonActivities>;
