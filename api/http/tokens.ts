import { jwtVerify, SignJWT, errors } from 'jose';
import { z } from 'zod';

export const roles = ['customer', 'support', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** The customer id for customers, the staff member's id for support and admin. */
  subject: string;
  role: Role;
}

export interface TokenSettings {
  secret: string;
  issuer: string;
}

const claims = z.object({ sub: z.string().min(1), role: z.enum(roles) });
const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken({ secret, issuer }: TokenSettings, principal: Principal, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ role: principal.role })
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
    return { subject: parsed.sub, role: parsed.role };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidToken('the token has expired');
    throw new InvalidToken('the token is not valid');
  }
}
