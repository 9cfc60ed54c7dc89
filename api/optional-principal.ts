import type { Request } from 'express';
import { Problem } from './problem';
import { InvalidToken, verifyToken, type Principal, type TokenSettings } from './tokens';

/**
 * For routes open to anonymous callers that behave differently for a signed-in one: no
 * Authorization header is anonymous (undefined), while a header that is malformed, forged or
 * expired is a 401, so a shopper whose session lapsed is told so instead of silently getting
 * an anonymous answer.
 */
export async function optionalPrincipal(settings: TokenSettings, req: Request): Promise<Principal | undefined> {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const challenge = { 'WWW-Authenticate': 'Bearer realm="order-fulfillment"' };
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match?.[1]) throw new Problem('unauthorized', 'Send Authorization: Bearer <token>, or no Authorization header.', {}, challenge);
  try {
    return await verifyToken(settings, match[1]);
  } catch (error) {
    if (error instanceof InvalidToken) throw new Problem('unauthorized', error.message, {}, challenge);
    throw error;
  }
}
