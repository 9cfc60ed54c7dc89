import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Json = Record<string, unknown>;
export type CarrierObject = Json & { id: string; object: string };

/**
 * What the carrier sandbox knows: EasyPost objects (and its own bookkeeping, such as label
 * purchases and tracker progress) by id. With a journal file every change is appended as one JSON
 * line and a restarted sandbox reads it back, so a label bought before a restart is still bought.
 */
export class CarrierStore {
  private readonly objects = new Map<string, CarrierObject>();

  constructor(private readonly journalPath?: string) {
    if (!journalPath) return;
    mkdirSync(dirname(journalPath), { recursive: true });
    if (!existsSync(journalPath)) return;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const object = JSON.parse(line) as CarrierObject;
      this.objects.set(object.id, object);
    }
  }

  get<T extends CarrierObject>(id: string, object: T['object']): T | undefined {
    const found = this.objects.get(id);
    return found?.object === object ? (found as T) : undefined;
  }

  all<T extends CarrierObject>(object: T['object']): T[] {
    return [...this.objects.values()].filter((candidate): candidate is T => candidate.object === object);
  }

  put<T extends CarrierObject>(value: T): T {
    this.objects.set(value.id, value);
    if (this.journalPath) appendFileSync(this.journalPath, `${JSON.stringify(value)}\n`);
    return value;
  }
}
