import { z } from 'zod';
import { Problem } from './problem';
import type { Principal } from './tokens';

export const warehouseCode = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'a warehouse code, e.g. EU-CENTRAL-1');
export const warehouseParam = z.object({ code: warehouseCode });

/** A warehouse token works for its own warehouse only; staff with wider roles see every one. */
export function throwIfOtherWarehouse(principal: Principal, code: string): void {
  if (principal.role === 'warehouse' && principal.warehouseCode !== code) {
    throw new Problem('forbidden', `This token is for warehouse ${principal.warehouseCode}, not ${code}.`);
  }
}
