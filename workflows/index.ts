export { catchUpSearchIndex } from './catch-up-search-index';
export { checkout } from './checkout';
export { restock } from './restock';
export { syncProductSearch } from './sync-product-search';
