import type { Client } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';

/**
 * Elasticsearch read models. Only core features are used: the distribution we run locally has
 * no analysis-common or painless modules, so analyzers are the built-in standard one and
 * nothing depends on scripts.
 */
export interface IndexDefinition {
  name: string;
  settings: estypes.IndicesIndexSettings;
  mappings: estypes.MappingTypeMapping;
}

export interface SearchIndices {
  products: IndexDefinition;
  orders: IndexDefinition;
}

export function searchIndices(prefix = ''): SearchIndices {
  return {
    products: {
      name: `${prefix}products`,
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: {
        dynamic: 'strict',
        properties: {
          id: { type: 'keyword' },
          slug: { type: 'keyword' },
          name: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
          brand: { type: 'text', fields: { raw: { type: 'keyword' } } },
          description: { type: 'text' },
          sellerId: { type: 'keyword' },
          categoryId: { type: 'keyword' },
          categoryPath: { type: 'keyword' },
          status: { type: 'keyword' },
          currency: { type: 'keyword' },
          priceMin: { type: 'long' },
          priceMax: { type: 'long' },
          available: { type: 'integer' },
          inStock: { type: 'boolean' },
          attributes: { type: 'keyword' },
          rating: { type: 'float' },
          reviewCount: { type: 'integer' },
          skus: {
            type: 'nested',
            properties: {
              sku: { type: 'keyword' },
              priceAmount: { type: 'long' },
              available: { type: 'integer' },
              attributes: { type: 'keyword' },
            },
          },
          createdAt: { type: 'date' },
          updatedAt: { type: 'date' },
        },
      },
    },
    // Support looks orders up by email, status, SKU, id, tracking number or parcel state. Emails are stored
    // lower-cased by the writer: normalizers beyond the core modules are not available here.
    orders: {
      name: `${prefix}orders`,
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: {
        dynamic: 'strict',
        properties: {
          orderId: { type: 'keyword' },
          customerId: { type: 'keyword' },
          email: { type: 'keyword' },
          status: { type: 'keyword' },
          statusReason: { type: 'text' },
          riskLevel: { type: 'keyword' },
          currency: { type: 'keyword' },
          total: { type: 'long' },
          skus: { type: 'keyword' },
          trackingNumbers: { type: 'keyword' },
          shipmentStatuses: { type: 'keyword' },
          refundStatuses: { type: 'keyword' },
          shipments: {
            properties: {
              shipmentId: { type: 'keyword' },
              warehouseCode: { type: 'keyword' },
              status: { type: 'keyword' },
              carrier: { type: 'keyword' },
              trackingNumber: { type: 'keyword' },
            },
          },
          shipToName: { type: 'text' },
          shipToCountry: { type: 'keyword' },
          createdAt: { type: 'date' },
          updatedAt: { type: 'date' },
        },
      },
    },
  };
}

/** Creates missing indices and brings existing mappings up to date; safe to run at every start. */
export async function ensureSearchIndices(es: Client, indices: SearchIndices): Promise<void> {
  for (const index of Object.values(indices) as IndexDefinition[]) {
    const exists = await es.indices.exists({ index: index.name });
    if (!exists) {
      try {
        await es.indices.create({ index: index.name, settings: index.settings, mappings: index.mappings });
        continue;
      } catch (error) {
        // Another process created it between our check and our create.
        if (!isResourceAlreadyExists(error)) throw error;
      }
    }
    await es.indices.putMapping({ index: index.name, ...index.mappings });
  }
}

function isResourceAlreadyExists(error: unknown): boolean {
  const body = (error as { meta?: { body?: { error?: { type?: string } } } }).meta?.body;
  return body?.error?.type === 'resource_already_exists_exception';
}
