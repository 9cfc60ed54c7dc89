import type { Request, RequestHandler } from 'express';
import { Problem } from './problem';
import { InvalidToken, verifyToken, type Principal, type Role, type TokenSettings } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="order-fulfillment"' };

/**
 * The caller's principal from `Authorization: Bearer <JWT>`; undefined without the header. A
 * header that is malformed, forged or expired is a 401, never a silent anonymous answer.
 */
export async function principalFromHeader(settings: TokenSettings, header: string | undefined): Promise<Principal | undefined> {
  if (header === undefined) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match?.[1]) throw new Problem('unauthorized', 'Send Authorization: Bearer <token>.', {}, challenge);
  try {
    return await verifyToken(settings, match[1]);
  } catch (error) {
    if (error instanceof InvalidToken) throw new Problem('unauthorized', error.message, {}, challenge);
    throw error;
  }
}

/**
 * `allowed` roles only (401 without a valid token, 403 for another role), or 'optional': open
 * to anonymous callers, with `req.principal` set when a valid token comes along.
 */
export function authenticate(settings: TokenSettings, allowed: readonly Role[] | 'optional'): RequestHandler {
  return (req, _res, next) => {
    principalFromHeader(settings, req.get('authorization')).then((principal) => {
      if (allowed !== 'optional') {
        if (!principal) return next(new Problem('unauthorized', 'Send Authorization: Bearer <token>.', {}, challenge));
        if (!allowed.includes(principal.role)) return next(new Problem('forbidden', `This route needs the ${allowed.join(' or ')} role.`));
      }
      req.principal = principal;
      next();
    }, next);
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new Error('route has no authenticate() in front of it');
  return req.principal;
}
