import type { Request, RequestHandler } from 'express';
import { Problem } from './problem';
import { InvalidToken, verifyToken, type Principal, type Role, type TokenSettings } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Bearer JWT; the route says which roles may call it. 401 without a valid token, 403 for the wrong role. */
export function authenticate(settings: TokenSettings, allowed: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="order-fulfillment"' };
    if (!match?.[1]) return next(new Problem('unauthorized', 'Send Authorization: Bearer <token>.', {}, challenge));
    verifyToken(settings, match[1]).then(
      (principal) => {
        if (!allowed.includes(principal.role)) {
          return next(new Problem('forbidden', `This route needs the ${allowed.join(' or ')} role.`));
        }
        req.principal = principal;
        next();
      },
      (error: unknown) =>
        next(error instanceof InvalidToken ? new Problem('unauthorized', error.message, {}, challenge) : error),
    );
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new Error('route has no authenticate() in front of it');
  return req.principal;
}
