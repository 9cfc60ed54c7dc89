export { restock } from './restock';
