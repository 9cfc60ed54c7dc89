import { randomBytes } from 'node:crypto';
import type { CarrierObject, CarrierStore } from './carrier-store';

/** What every handler works with: the store, the clock, and the events it raises. */
export interface CarrierContext {
  store: CarrierStore;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Raises an EasyPost Event (`tracker.updated`, ...) for the webhooks; the object is sent as it is now. */
  emit(description: string, result: CarrierObject, previousAttributes?: Record<string, unknown>): void;
  /** How long a parcel takes from one tracking status to the next once handed over. */
  stepMs: number;
  /** This sandbox's own address, for the label and form URLs it hands out. */
  publicUrl: string;
}

/** EasyPost ids: a prefix for the object kind and 32 hex characters. */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(16).toString('hex')}`;

export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export const asText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined);

export const asNumber = (value: unknown): number | undefined => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
};

export const isTrue = (value: unknown): boolean => value === true || value === 'true' || (Array.isArray(value) && value.length > 0);
