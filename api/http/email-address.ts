import { z } from 'zod';

const MAX_LOCAL_PART = 64;

/**
 * An email address as the OpenAPI `email` format means it: zod's pattern alone lets a local part
 * past RFC 5321's 64 octets through, which no mailbox can have and the document forbids.
 */
export const emailAddress = z
  .email()
  .max(254)
  .refine((email) => email.slice(0, email.lastIndexOf('@')).length <= MAX_LOCAL_PART, {
    message: `the part before @ is at most ${MAX_LOCAL_PART} characters`,
  });
