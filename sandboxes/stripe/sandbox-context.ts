import { randomBytes } from 'node:crypto';
import type { Json, SandboxStore, StripeObject } from './sandbox-store';

/** Fixtures stripe-mock serves, used as the full shape of objects the sandbox keeps. */
export interface Templates {
  paymentIntent: Json;
  charge: Json;
  refund: Json;
}

/** What every handler works with: the store, the clock, and the events it raises. */
export interface SandboxContext {
  store: SandboxStore;
  templates: Templates;
  /** Seconds since the epoch, as Stripe counts. */
  now(): number;
  /** Raises an event for the webhook endpoints; the object is sent as it is now. */
  emit(type: string, object: StripeObject): void;
  /** How long a manual-capture authorization may be captured (Stripe: 7 days for online cards). */
  authorizationTtlS: number;
  /** How long a refund on pm_card_refundFail stays succeeded before it fails. */
  refundFailureDelayMs: number;
  /** Runs a task later with a context of its own, whose events are sent when it ends. */
  later(delayMs: number, task: (ctx: SandboxContext) => void): void;
}

export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

export const asInteger = (value: unknown): number | undefined => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);

export const isTrue = (value: unknown): boolean => value === 'true' || value === true;

export const expansions = (params: Json): string[] => {
  const expand = params.expand;
  if (Array.isArray(expand)) return expand.map(String);
  if (expand && typeof expand === 'object') return Object.values(expand).map(String);
  return typeof expand === 'string' ? [expand] : [];
};
