import type { Kysely } from 'kysely';
import { findCurrentPrices } from '../../db/catalog-repository';
import type { CurrentPrice } from '../../domain/pricing';
import type { Database } from '../../db/database';

export type { CurrentPrice };

export interface CatalogActivityDeps {
  db: Kysely<Database>;
}

export function createCatalogActivities({ db }: CatalogActivityDeps) {
  return {
    /** Prices as the catalog has them now: checkout never trusts a price the client or cart holds. */
    async currentPrices(skus: string[]): Promise<CurrentPrice[]> {
      return findCurrentPrices(db, skus);
    },
  };
}

export type CatalogActivities = ReturnType<typeof createCatalogActivities>;
