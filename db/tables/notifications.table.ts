import type { Generated } from 'kysely';
import type { JsonObject, JsonWithDefault, NullableTimestamp, Timestamp } from './column-types';

/** The outbox of customer messages, drained by a sender. */
export interface NotificationTable {
  id: Generated<string>;
  channel: Generated<'email' | 'sms'>;
  recipient: string;
  template: string;
  payload: JsonWithDefault<JsonObject>;
  status: Generated<'pending' | 'sent' | 'failed' | 'suppressed'>;
  /** Unique: a retried status change queues its message once. */
  dedupe_key: string;
  order_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
  /** When a pending row is next due: a claim moves it a lease ahead, a failed attempt by the backoff. */
  next_attempt_at: Timestamp;
}
