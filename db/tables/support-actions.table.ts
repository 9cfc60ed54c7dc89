import type { Generated, GeneratedAlways } from 'kysely';
import type { JsonObject, JsonWithDefault, Timestamp } from './column-types';

/** Append-only audit: the database refuses UPDATE and DELETE. */
export interface SupportActionTable {
  id: GeneratedAlways<number>;
  /** Unique when set: the id of the action (e.g. the workflow update id), so a retried insert is a no-op. */
  action_id: string | null;
  actor_id: string;
  actor_role: string;
  action: string;
  order_id: string | null;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  outcome: Generated<'accepted' | 'refused'>;
  payload: JsonWithDefault<JsonObject>;
  created_at: Timestamp;
}
