import { type Kysely, sql } from 'kysely';
import { createDb } from './create-db';
import type { Database } from './database';
import { runMain } from '../platform/run-main';
import { findReturnDrift } from './returns';

export interface InventoryDrift {
  sku: string;
  warehouse_id: string;
  warehouse_code: string;
  on_hand: number;
  /** Sum of inventory_movements.quantity_delta. */
  ledger_on_hand: number;
  reserved: number;
  /** Sum of quantities of reservations in status 'reserved'. */
  reservations_reserved: number;
}

export interface DriftFilter {
  skus?: readonly string[];
  warehouseId?: string;
}

/**
 * Inventory rows whose on_hand disagrees with the ledger, or whose reserved disagrees with the
 * active reservations. Read-only, so it can run at any time; an empty result means consistent.
 */
export async function findInventoryDrift(db: Kysely<Database>, filter: DriftFilter = {}): Promise<InventoryDrift[]> {
  if (filter.skus?.length === 0) return [];

  const ledger = db
    .selectFrom('inventory_movements')
    .select(['sku', 'warehouse_id', (eb) => eb.fn.sum<number>('quantity_delta').as('total')])
    .groupBy(['sku', 'warehouse_id']);
  const reservations = db
    .selectFrom('inventory_reservations')
    .where('status', '=', 'reserved')
    .select(['sku', 'warehouse_id', (eb) => eb.fn.sum<number>('quantity').as('total')])
    .groupBy(['sku', 'warehouse_id']);

  const ledgerOnHand = sql<number>`coalesce(m.total, 0)`;
  const reservationsReserved = sql<number>`coalesce(r.total, 0)`;

  let query = db
    .selectFrom('inventory as i')
    .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
    .leftJoin(ledger.as('m'), (join) => join.onRef('m.sku', '=', 'i.sku').onRef('m.warehouse_id', '=', 'i.warehouse_id'))
    .leftJoin(reservations.as('r'), (join) =>
      join.onRef('r.sku', '=', 'i.sku').onRef('r.warehouse_id', '=', 'i.warehouse_id'),
    )
    .select([
      'i.sku',
      'i.warehouse_id',
      'w.code as warehouse_code',
      'i.on_hand',
      ledgerOnHand.as('ledger_on_hand'),
      'i.reserved',
      reservationsReserved.as('reservations_reserved'),
    ])
    .where((eb) => eb.or([eb('i.on_hand', '<>', ledgerOnHand), eb('i.reserved', '<>', reservationsReserved)]))
    .orderBy('i.sku')
    .orderBy('w.code');

  if (filter.skus) query = query.where('i.sku', 'in', filter.skus);
  if (filter.warehouseId) query = query.where('i.warehouse_id', '=', filter.warehouseId);

  return query.execute();
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://app@127.0.0.1:5432/app)');
    return 2;
  }
  const db = createDb({ url, poolSize: 1, applicationName: 'reconcile-inventory' });
  try {
    const drift = await findInventoryDrift(db);
    // Received returns: their 'return' and 'write_off' movements must match their inspection.
    const returnDrift = await findReturnDrift(db);
    if (returnDrift.length > 0) {
      console.log(`${returnDrift.length} received return line(s) disagree with the ledger:`);
      console.table(returnDrift);
    }
    if (drift.length === 0) {
      if (returnDrift.length > 0) return 1;
      console.log('inventory is consistent with the ledger, the active reservations and the received returns');
      return 0;
    }
    console.log(`${drift.length} inventory row(s) drifted:`);
    console.table(
      drift.map((d) => ({
        sku: d.sku,
        warehouse: d.warehouse_code,
        on_hand: d.on_hand,
        ledger: d.ledger_on_hand,
        reserved: d.reserved,
        reservations: d.reservations_reserved,
      })),
    );
    return 1;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) runMain(main);
