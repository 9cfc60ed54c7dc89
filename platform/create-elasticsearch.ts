import { Client } from '@elastic/elasticsearch';

export function createElasticsearch({ url }: { url: string }): Client {
  return new Client({ node: url, requestTimeout: 10_000, maxRetries: 1 });
}
