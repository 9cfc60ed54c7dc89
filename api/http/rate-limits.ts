import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../platform/logger';
import { Problem } from './problem';

/** The routes that are limited, each with its own budget per minute. */
export type RateLimitName = 'checkout' | 'webhooks' | 'support-actions';
export type RateLimitBudgets = Record<RateLimitName, number>;

/** One middleware per limit, for the routes that declare it (RouteSpec.rateLimit). */
export type RateLimiters = (name: RateLimitName) => RequestHandler;

/**
 * Fixed windows of a minute kept in Redis, so every API process shares one budget. A caller is the
 * token's subject when the route authenticates (a customer checking out, an agent acting) and the
 * client address otherwise (a webhook sender). If Redis is away, each process keeps counting in
 * memory: the limit holds per process rather than failing open or refusing everyone.
 */
export function createRateLimiters({ redis, budgets, logger }: { redis: Redis; budgets: RateLimitBudgets; logger: Logger }): RateLimiters {
  const limiters = new Map<RateLimitName, RequestHandler>();
  return (name) => {
    let limiter = limiters.get(name);
    if (!limiter) {
      const points = budgets[name];
      const store = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `rate-limit:${name}`,
        points,
        duration: 60,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rate-limit:${name}`, points, duration: 60 }),
      });
      limiter = (req, res, next) => {
        const caller = req.principal ? `sub:${req.principal.subject}` : `ip:${req.ip ?? 'unknown'}`;
        store.consume(caller).then(
          (state) => {
            res.setHeader('RateLimit-Policy', `${points};w=60`);
            res.setHeader('RateLimit', `limit=${points}, remaining=${state.remainingPoints}, reset=${Math.ceil(state.msBeforeNext / 1000)}`);
            next();
          },
          (refused: unknown) => {
            if (!(refused instanceof RateLimiterRes)) return next(refused);
            const retryAfter = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
            logger.warn({ limit: name, caller: req.principal ? 'subject' : 'address', retryAfter }, 'rate limit reached');
            next(new Problem('rate-limited', `At most ${points} requests a minute here; retry in ${retryAfter} s.`, { limit: points, windowSeconds: 60 }, { 'Retry-After': String(retryAfter) }));
          },
        );
      };
      limiters.set(name, limiter);
    }
    return limiter;
  };
}
