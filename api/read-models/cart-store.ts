import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  CART_TTL_SECONDS,
  MERGED_CART_TTL_SECONDS,
  canAccess,
  cartFields,
  cartKeys,
  decodeCart,
  encodeCart,
  newCart,
  type Cart,
  type CartChange,
  type CartRefusal,
  type MergeOutcome,
  type MergedLine,
} from '../../domain/cart';
import { Problem } from '../http/problem';

/**
 * Carts in Redis, in the stored shape defined in domain/cart.ts. Every write is a
 * compare-and-set on the hash's `rev` field in one Lua script: the new state is computed by the
 * pure rules of domain/cart.ts from the state just read, and written only if nobody wrote in
 * between; otherwise the cart is read again and the rule re-applied. So concurrent writes to one
 * cart never lose an update and never pass a bound, without holding a lock.
 */
export interface StoredCart {
  cart: Cart;
  revision: number;
  expiresAt: Date;
}

export type WriteResult = { status: 'written'; stored: StoredCart } | { status: 'refused'; refusal: CartRefusal } | { status: 'not-found' };

export type MergeResult =
  | { status: 'merged'; stored: StoredCart; lines: MergedLine[] }
  /** The anonymous cart was already merged into this customer's cart; nothing more to add. */
  | { status: 'replayed'; stored: StoredCart }
  /** The cart given is the customer's own cart. */
  | { status: 'own-cart'; stored: StoredCart }
  | { status: 'not-found' };

export interface CartStore {
  createAnonymous(): Promise<StoredCart>;
  /** The customer's one active cart, created when they have none. */
  ensureCustomerCart(customerId: string): Promise<{ stored: StoredCart; created: boolean }>;
  /** A plain read, which does not extend the cart's life. Undefined when missing or not the caller's. */
  read(cartId: string, customerId: string | undefined): Promise<StoredCart | undefined>;
  /** A read that precedes a write: it refreshes the TTL of a cart the caller may write. */
  readForWrite(cartId: string, customerId: string | undefined): Promise<StoredCart | undefined>;
  /** Applies `change` to the cart read, re-applying it to the newer state after a concurrent write. */
  update(initial: StoredCart, change: (cart: Cart, now: string) => CartChange): Promise<WriteResult>;
  /** Merges the anonymous cart `cartId` into the customer's cart and deletes it. */
  merge(cartId: string, customerId: string, plan: (target: Cart, source: Cart, now: string) => Promise<MergeOutcome>): Promise<MergeResult>;
}

/** Enough for any plausible contention on one shopper's cart; past it the caller is told to retry. */
const MAX_ATTEMPTS = 50;
const RETRY_AFTER_SECONDS = '5';

function newCartId(): string {
  return randomBytes(16).toString('base64url');
}

export function createCartStore(redis: Redis, clock: () => Date = () => new Date()): CartStore {
  const now = () => clock().toISOString();
  const expiresAt = () => new Date(clock().getTime() + CART_TTL_SECONDS * 1000);
  const eval_ = (script: LuaScript, keys: string[], args: (string | number)[]) => guard(runScript(redis, script, keys, args));

  async function read(cartId: string, customerId: string | undefined): Promise<StoredCart | undefined> {
    const key = cartKeys.cart(cartId);
    const replies = await guard(redis.multi().hgetall(key).pttl(key).exec());
    if (!replies) throw new Error('MULTI without WATCH was aborted');
    const [[hashError, fields], [ttlError, ttl]] = replies as [[Error | null, Record<string, string>], [Error | null, number]];
    if (hashError || ttlError) throw hashError ?? ttlError;
    if (Object.keys(fields).length === 0) return undefined;
    const stored = toStored(cartId, fields, ttl > 0 ? new Date(clock().getTime() + ttl) : expiresAt());
    return canAccess(stored.cart, customerId) ? stored : undefined;
  }

  async function readForWrite(cartId: string, customerId: string | undefined): Promise<StoredCart | undefined> {
    const keys = [cartKeys.cart(cartId), ...(customerId === undefined ? [] : [cartKeys.owner(customerId)])];
    const reply = await eval_(loadForWriteScript, keys, [customerId ?? '', CART_TTL_SECONDS]);
    if (!Array.isArray(reply)) return undefined;
    return toStored(cartId, pairs(reply), expiresAt());
  }

  /**
   * Writes `next` over `current` if the hash is still at `current`'s revision. When it is not,
   * the answer carries the hash as it is now (empty when the cart is gone), so a retry needs no
   * second read.
   */
  async function compareAndSet(current: StoredCart | undefined, next: Cart): Promise<{ written: StoredCart } | { conflict: Record<string, string> }> {
    const keys = [cartKeys.cart(next.id), ...(next.customerId === null ? [] : [cartKeys.owner(next.customerId)])];
    const reply = await eval_(casScript, keys, [current ? String(current.revision) : '', CART_TTL_SECONDS, ...changedFields(current?.cart, next)]);
    if (Array.isArray(reply)) return { conflict: pairs(reply) };
    return { written: { cart: next, revision: Number(reply), expiresAt: expiresAt() } };
  }

  async function ensureCustomerCart(customerId: string): Promise<{ stored: StoredCart; created: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ownerKey = cartKeys.owner(customerId);
      const currentId = await guard(redis.get(ownerKey));
      if (currentId !== null) {
        const existing = await readForWrite(currentId, customerId);
        if (existing) return { stored: existing, created: false };
      }
      const cart = newCart(newCartId(), customerId, now());
      const fields = Object.entries(encodeCart(cart)).flat();
      const created = await eval_(createOwnedScript, [ownerKey, cartKeys.cart(cart.id)], [currentId ?? '', cart.id, CART_TTL_SECONDS, ...fields]);
      if (created === 1) return { stored: { cart, revision: 1, expiresAt: expiresAt() }, created: true };
    }
    throw contended();
  }

  return {
    async createAnonymous() {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const result = await compareAndSet(undefined, newCart(newCartId(), null, now()));
        if ('written' in result) return result.written;
      }
      throw contended();
    },

    ensureCustomerCart,
    read,
    readForWrite,

    async update(initial, change) {
      let current = initial;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const outcome = change(current.cart, now());
        if (!outcome.ok) return { status: 'refused', refusal: outcome.refusal };
        const result = await compareAndSet(current, outcome.cart);
        if ('written' in result) return { status: 'written', stored: result.written };
        if (Object.keys(result.conflict).length === 0) return { status: 'not-found' };
        current = toStored(current.cart.id, result.conflict, expiresAt());
      }
      throw contended();
    },

    async merge(cartId, customerId, plan) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const source = await readForWrite(cartId, customerId);
        if (!source) {
          const mergedInto = await guard(redis.get(cartKeys.merged(cartId)));
          if (mergedInto !== customerId) return { status: 'not-found' };
          return { status: 'replayed', stored: (await ensureCustomerCart(customerId)).stored };
        }
        if (source.cart.customerId !== null) return { status: 'own-cart', stored: source };
        const { stored: target } = await ensureCustomerCart(customerId);
        const outcome = await plan(target.cart, source.cart, now());
        const revision = await eval_(
          mergeScript,
          [cartKeys.cart(target.cart.id), cartKeys.owner(customerId), cartKeys.cart(cartId), cartKeys.merged(cartId)],
          [target.revision, source.revision, CART_TTL_SECONDS, customerId, MERGED_CART_TTL_SECONDS, ...changedFields(target.cart, outcome.cart)],
        );
        if (revision !== 0) {
          return { status: 'merged', stored: { cart: outcome.cart, revision: Number(revision), expiresAt: expiresAt() }, lines: outcome.lines };
        }
      }
      throw contended();
    },
  };
}

/** The scripts' write arguments: n, then n changed field/value pairs, then the fields to delete. */
function changedFields(before: Cart | undefined, after: Cart): string[] {
  const old = before ? encodeCart(before) : {};
  const next = encodeCart(after);
  const sets = Object.entries(next).filter(([field, value]) => old[field] !== value);
  const deletes = Object.keys(old).filter((field) => !(field in next));
  return [String(sets.length), ...sets.flat(), ...deletes];
}

function toStored(cartId: string, fields: Record<string, string>, expiresAt: Date): StoredCart {
  return { cart: decodeCart(cartId, fields), revision: Number(fields[cartFields.revision] ?? 0), expiresAt };
}

function pairs(flat: unknown[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = String(flat[i + 1]);
  return record;
}

// ---------------------------------------------------------------- Redis access

/**
 * Redis being away (refused, reset, offline) is an outage the client may retry: 503 with
 * Retry-After. A reply error means Redis answered and our command was wrong: a bug, left a 500.
 */
async function guard<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplyError') throw error;
    throw new Problem('service-unavailable', 'The cart store is unavailable; retry later.', {}, { 'Retry-After': RETRY_AFTER_SECONDS });
  }
}

const contended = () =>
  new Problem('service-unavailable', 'The cart is being changed by many requests at once; retry.', {}, { 'Retry-After': '1' });

interface LuaScript {
  source: string;
  sha: string;
}

const lua = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });

/** EVALSHA, loading the script with EVAL when this Redis has not seen it yet (or restarted). */
async function runScript(redis: Redis, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

// KEYS[1] cart, KEYS[2] (optional) the caller's owner key. ARGV[1] caller's customer id or '', ARGV[2] ttl.
// The access rule mirrors canAccess() so a refused caller never extends someone else's cart.
const loadForWriteScript = lua(`
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
local owner = redis.call('HGET', KEYS[1], 'customer')
if owner and owner ~= ARGV[1] then return false end
redis.call('EXPIRE', KEYS[1], ARGV[2])
if owner and KEYS[2] then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return fields
`);

// KEYS[1] cart, KEYS[2] (optional) owner key. ARGV[1] expected rev ('' = the cart must not exist),
// ARGV[2] ttl, ARGV[3] n, then n field/value pairs to set, then fields to delete.
// Returns the new rev, or the hash as it is now (empty when missing) when it is not at the expected rev.
const casScript = lua(`
local rev = redis.call('HGET', KEYS[1], 'rev') or ''
if rev ~= ARGV[1] then return redis.call('HGETALL', KEYS[1]) end
local n = tonumber(ARGV[3])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * n)) end
if #ARGV > 3 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + 2 * n)) end
local next = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
if KEYS[2] then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return next
`);

// KEYS[1] owner key, KEYS[2] new cart. ARGV[1] the cart id the owner key holds now ('' = none),
// ARGV[2] new cart id, ARGV[3] ttl, then field/value pairs. 1 when created, 0 when someone else was first.
const createOwnedScript = lua(`
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'rev', 1, unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`);

// KEYS[1] customer cart, KEYS[2] its owner key, KEYS[3] anonymous cart, KEYS[4] its merged marker.
// ARGV[1] customer cart rev, ARGV[2] anonymous cart rev, ARGV[3] ttl, ARGV[4] customer id,
// ARGV[5] marker ttl, ARGV[6] n, then n field/value pairs to set, then fields to delete.
// Returns the customer cart's new rev, or 0 when either cart changed since it was read.
const mergeScript = lua(`
if (redis.call('HGET', KEYS[1], 'rev') or '') ~= ARGV[1] then return 0 end
if (redis.call('HGET', KEYS[3], 'rev') or '') ~= ARGV[2] then return 0 end
local n = tonumber(ARGV[6])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 7, 6 + 2 * n)) end
if #ARGV > 6 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 7 + 2 * n)) end
local next = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('DEL', KEYS[3])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5])
return next
`);
