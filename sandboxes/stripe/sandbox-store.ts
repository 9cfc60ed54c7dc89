import { ObjectStore, type Json, type StoredObject } from '../shared/object-store';

export type { Json };
export type StripeObject = StoredObject;

/** An answer kept under its Idempotency-Key, replayed for a retry with the same request. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: Json;
}

type KeptAnswer = StoredObject & StoredAnswer & { object: 'idempotent_answer' };
const answerId = (key: string) => `idempotency-key:${key}`;

/** Stripe's objects by id, and the answers it keeps by idempotency key (journalled alike). */
export class SandboxStore extends ObjectStore {
  answer(key: string): StoredAnswer | undefined {
    const kept = this.get<KeptAnswer>(answerId(key), 'idempotent_answer');
    return kept && { fingerprint: kept.fingerprint, status: kept.status, body: kept.body };
  }

  keepAnswer(key: string, answer: StoredAnswer): void {
    this.put<KeptAnswer>({ id: answerId(key), object: 'idempotent_answer', ...answer });
  }
}
