export { catchUpOrderIndex } from './search/catch-up-order-index';
export { catchUpSearchIndex } from './search/catch-up-search-index';
export { captureOrderPayment } from './payment/capture-order-payment';
export { processOrder } from './order/process-order';
export { redeliverPaymentEvents } from './housekeeping/redeliver-payment-events';
export { releaseExpiredReservations } from './housekeeping/release-expired-reservations';
export { restock } from './inventory/restock';
export { syncProductSearch } from './search/sync-product-search';
