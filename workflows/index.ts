export { catchUpSearchIndex } from './catch-up-search-index';
export { checkout } from './checkout';
export { redeliverPaymentEvents } from './redeliver-payment-events';
export { releaseExpiredReservations } from './release-expired-reservations';
export { restock } from './restock';
export { syncProductSearch } from './sync-product-search';
