import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Json = Record<string, unknown>;
export type StripeObject = Json & { id: string; object: string };

/** An answer kept under its Idempotency-Key, replayed for a retry with the same request. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: Json;
}

type JournalEntry = { object: StripeObject } | { key: string; answer: StoredAnswer };

/**
 * What the sandbox knows: Stripe objects by id and answers by idempotency key. With a journal
 * file every change is appended as one JSON line, and a restarted sandbox reads it back, so an
 * authorization survives a restart of the stack as it survives one of Stripe's servers.
 */
export class SandboxStore {
  private readonly objects = new Map<string, StripeObject>();
  private readonly answers = new Map<string, StoredAnswer>();

  constructor(private readonly journalPath?: string) {
    if (!journalPath) return;
    mkdirSync(dirname(journalPath), { recursive: true });
    if (!existsSync(journalPath)) return;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as JournalEntry;
      if ('object' in entry) this.objects.set(entry.object.id, entry.object);
      else this.answers.set(entry.key, entry.answer);
    }
  }

  get<T extends StripeObject>(id: string, object: T['object']): T | undefined {
    const found = this.objects.get(id);
    return found?.object === object ? (found as T) : undefined;
  }

  all<T extends StripeObject>(object: T['object']): T[] {
    return [...this.objects.values()].filter((candidate): candidate is T => candidate.object === object);
  }

  put<T extends StripeObject>(value: T): T {
    this.objects.set(value.id, value);
    this.append({ object: value });
    return value;
  }

  answer(key: string): StoredAnswer | undefined {
    return this.answers.get(key);
  }

  keepAnswer(key: string, answer: StoredAnswer): void {
    this.answers.set(key, answer);
    this.append({ key, answer });
  }

  private append(entry: JournalEntry): void {
    if (this.journalPath) appendFileSync(this.journalPath, `${JSON.stringify(entry)}\n`);
  }
}
