import { jwtVerify, SignJWT, errors } from 'jose';
import { z } from 'zod';

export const roles = ['customer', 'support', 'admin', 'warehouse'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** The customer id for customers, the staff member's id for staff. */
  subject: string;
  role: Role;
  /** A warehouse token is good for this one warehouse only (its code). */
  warehouseCode?: string;
}

const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

export interface TokenSettings {
  secret: string;
  issuer: string;
}

const claims = z
  .object({ sub: z.string().min(1), role: z.enum(roles), warehouse: z.string().regex(WAREHOUSE_CODE).optional() })
  .refine((c) => (c.role === 'warehouse') === (c.warehouse !== undefined), 'a warehouse token names exactly one warehouse; no other token names one');
const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken({ secret, issuer }: TokenSettings, principal: Principal, expiresIn = '12h'): Promise<string> {
  if ((principal.role === 'warehouse') !== (principal.warehouseCode !== undefined)) throw new Error('a warehouse token needs its warehouse code, and only a warehouse token has one');
  return new SignJWT({ role: principal.role, ...(principal.warehouseCode && { warehouse: principal.warehouseCode }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.subject)
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}

export class InvalidToken extends Error {}

export async function verifyToken({ secret, issuer }: TokenSettings, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer, algorithms: ['HS256'] });
    const parsed = claims.parse(payload);
    return { subject: parsed.sub, role: parsed.role, ...(parsed.warehouse && { warehouseCode: parsed.warehouse }) };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidToken('the token has expired');
    throw new InvalidToken('the token is not valid');
  }
}
