export { catchUpSearchIndex } from './catch-up-search-index';
export { restock } from './restock';
export { syncProductSearch } from './sync-product-search';
