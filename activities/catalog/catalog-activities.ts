import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { Money } from '../../domain/money';

export interface CatalogActivityDeps {
  db: Kysely<Database>;
}

export interface CurrentPrice {
  sku: string;
  unitPrice: Money;
  /** False when the SKU or its product is no longer sold. */
  active: boolean;
}

export function createCatalogActivities({ db }: CatalogActivityDeps) {
  return {
    /** Prices as the catalog has them now: checkout never trusts a price the client or cart holds. */
    async currentPrices(skus: string[]): Promise<CurrentPrice[]> {
      if (skus.length === 0) return [];
      const rows = await db
        .selectFrom('product_variants as v')
        .innerJoin('products as p', 'p.id', 'v.product_id')
        .select(['v.sku', 'v.price_amount', 'v.currency', 'v.active', 'p.status'])
        .where('v.sku', 'in', skus)
        .execute();
      return rows.map((r) => ({ sku: r.sku, unitPrice: { amount: r.price_amount, currency: r.currency }, active: r.active && r.status === 'active' }));
    },
  };
}

export type CatalogActivities = ReturnType<typeof createCatalogActivities>;
