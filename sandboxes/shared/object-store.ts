import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Json = Record<string, unknown>;
/** Every object a sandbox keeps has an id and says what it is, as the providers' objects do. */
export type StoredObject = Json & { id: string; object: string };

/**
 * What a sandbox knows, by id. With a journal file every change is appended as one JSON line and
 * a restarted sandbox reads it back, so what the provider did before a restart stays done (an
 * authorization held, a label bought), as it would at the provider.
 */
export class ObjectStore<O extends StoredObject = StoredObject> {
  private readonly objects = new Map<string, O>();

  constructor(private readonly journalPath?: string) {
    if (!journalPath) return;
    mkdirSync(dirname(journalPath), { recursive: true });
    if (!existsSync(journalPath)) return;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const object = JSON.parse(line) as O;
      this.objects.set(object.id, object);
    }
  }

  get<T extends O>(id: string, object: T['object']): T | undefined {
    const found = this.objects.get(id);
    return found?.object === object ? (found as T) : undefined;
  }

  all<T extends O>(object: T['object']): T[] {
    return [...this.objects.values()].filter((candidate): candidate is T => candidate.object === object);
  }

  put<T extends O>(value: T): T {
    this.objects.set(value.id, value);
    if (this.journalPath) appendFileSync(this.journalPath, `${JSON.stringify(value)}\n`);
    return value;
  }
}
