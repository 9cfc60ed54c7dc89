import type { Generated } from 'kysely';
import type { Timestamp } from './column-types';

export interface CustomerTable {
  id: Generated<string>;
  /** The subject of the customer's bearer tokens; unique when set. */
  auth_subject: string | null;
  /** Unique case-insensitively (unique index on lower(email)). */
  email: string;
  name: string | null;
  phone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AddressTable {
  id: Generated<string>;
  customer_id: string;
  recipient_name: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string | null;
  country: string;
  phone: string | null;
  /** At most one default address per customer. */
  is_default: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
