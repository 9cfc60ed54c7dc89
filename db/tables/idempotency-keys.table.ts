import type { Generated } from 'kysely';
import type { Json, JsonValue, Timestamp } from './column-types';

export interface IdempotencyKeyTable {
  /** Primary key is (scope, key). */
  scope: string;
  key: string;
  request_hash: string;
  status: Generated<'in_progress' | 'completed' | 'failed'>;
  response_status: number | null;
  response: Json<JsonValue>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
