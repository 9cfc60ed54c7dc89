import { type Kysely, sql } from 'kysely';

/**
 * Returns (RMAs): what a customer sends back, its label, its receipt and inspection. The database
 * holds the one rule money and stock depend on: the units of an order line in live returns never
 * exceed the units delivered for it (return_lines_within_delivered, under the order line's lock).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('returns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('requested'))
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    // Price of the requested units; the refund is computed from the accepted units at receipt.
    .addColumn('requested_amount', 'bigint', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('approval', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('approval_deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('return_by', 'timestamptz')
    .addColumn('warehouse_id', 'uuid', (c) => c.references('warehouses.id'))
    .addColumn('carrier', 'text')
    // Written before the label is bought, so a retried purchase finds the carrier's shipment.
    .addColumn('carrier_reference', 'text')
    .addColumn('carrier_shipment_id', 'text')
    .addColumn('label_id', 'text')
    .addColumn('label_url', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('label_voided_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz')
    .addColumn('received_by', 'text')
    .addColumn('refund_amount', 'bigint')
    .addColumn('refund_status', 'text')
    .addColumn('expired_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'returns_status_check',
      sql`status in ('requested', 'approved', 'label_sent', 'received', 'denied', 'expired')`,
    )
    .addCheckConstraint(
      'returns_reason_code_check',
      sql`reason_code in ('damaged', 'wrong-item', 'not-as-described', 'changed-mind')`,
    )
    .addCheckConstraint('returns_currency_format', sql`currency ~ '^[A-Z]{3}$'`)
    .addCheckConstraint('returns_requested_amount_non_negative', sql`requested_amount >= 0`)
    .addCheckConstraint('returns_approval_check', sql`approval in ('auto', 'support')`)
    .addCheckConstraint('returns_refund_non_negative', sql`refund_amount >= 0`)
    .addCheckConstraint('returns_refund_status_check', sql`refund_status in ('refund_pending', 'refund_requested')`)
    .addCheckConstraint('returns_refund_with_status', sql`(refund_amount is null) = (refund_status is null)`)
    .addCheckConstraint('returns_received_has_time', sql`status <> 'received' or received_at is not null`)
    .addCheckConstraint('returns_denied_has_reason', sql`status <> 'denied' or decision_reason is not null`)
    .execute();
  await db.schema.createIndex('returns_order_id_idx').on('returns').column('order_id').execute();
  await sql`
    create trigger returns_set_updated_at before update on returns
    for each row execute function set_updated_at()
  `.execute(db);
  // A return that ended (denied, expired) released its units: bringing it back would skip the
  // delivered check, so the database refuses it.
  await sql`
    create function returns_final_is_final() returns trigger language plpgsql as $$
    begin
      if old.status in ('denied', 'expired') and new.status <> old.status then
        raise exception 'return % is %, it cannot become %', old.id, old.status, new.status
          using errcode = 'check_violation', constraint = 'returns_final_is_final';
      end if;
      return new;
    end
    $$
  `.execute(db);
  await sql`
    create trigger returns_final_is_final before update of status on returns
    for each row execute function returns_final_is_final()
  `.execute(db);

  await db.schema
    .createTable('return_lines')
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('returns.id').onDelete('cascade'))
    .addColumn('order_item_id', 'uuid', (c) => c.notNull().references('order_items.id'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_amount', 'bigint', (c) => c.notNull())
    // Inspection at receipt, one entry per unit: 'restockable' or 'damaged'.
    .addColumn('inspection', 'jsonb')
    .addColumn('restockable_quantity', 'integer')
    .addColumn('damaged_quantity', 'integer')
    .addPrimaryKeyConstraint('return_lines_pkey', ['return_id', 'order_item_id'])
    .addCheckConstraint('return_lines_quantity_positive', sql`quantity > 0`)
    .addCheckConstraint('return_lines_price_non_negative', sql`unit_price_amount >= 0`)
    .addCheckConstraint(
      'return_lines_inspection_counts',
      sql`(restockable_quantity is null) = (damaged_quantity is null)
          and restockable_quantity >= 0 and damaged_quantity >= 0
          and restockable_quantity + damaged_quantity <= quantity`,
    )
    .addCheckConstraint(
      'return_lines_inspection_matches',
      sql`inspection is null or (jsonb_typeof(inspection) = 'array'
          and jsonb_array_length(inspection) = restockable_quantity + damaged_quantity)`,
    )
    .execute();
  await db.schema.createIndex('return_lines_order_item_id_idx').on('return_lines').column('order_item_id').execute();

  // Concurrent requests for the same order line queue on its row lock; each then counts what the
  // others committed (a fresh snapshot per statement in READ COMMITTED), so their sum is checked.
  await sql`
    create function return_lines_within_delivered() returns trigger language plpgsql as $$
    declare
      delivered integer;
      returned integer;
    begin
      -- no key update: it queues concurrent checks without conflicting with the foreign keys' key-share locks.
      perform 1 from order_items where id = new.order_item_id for no key update;
      select coalesce(sum(si.quantity), 0) into delivered
        from shipment_items si join shipments s on s.id = si.shipment_id
        where si.order_item_id = new.order_item_id and s.status = 'delivered';
      select coalesce(sum(rl.quantity), 0) into returned
        from return_lines rl join returns r on r.id = rl.return_id
        where rl.order_item_id = new.order_item_id and r.status not in ('denied', 'expired');
      if returned > delivered then
        raise exception 'order item % has % unit(s) delivered, % would be returned', new.order_item_id, delivered, returned
          using errcode = 'check_violation', constraint = 'return_lines_within_delivered';
      end if;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create constraint trigger return_lines_within_delivered after insert or update of quantity on return_lines
    for each row execute function return_lines_within_delivered()
  `.execute(db);

  // Damaged returned units are written off: received ('return') and written off in one transaction.
  await sql`alter table inventory_movements drop constraint inventory_movements_reason_check`.execute(db);
  await sql`
    alter table inventory_movements add constraint inventory_movements_reason_check
    check (reason in ('initial', 'receipt', 'reservation_commit', 'adjustment', 'return', 'write_off'))
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inventory_movements drop constraint inventory_movements_reason_check`.execute(db);
  await sql`
    alter table inventory_movements add constraint inventory_movements_reason_check
    check (reason in ('initial', 'receipt', 'reservation_commit', 'adjustment', 'return')) not valid
  `.execute(db);
  await db.schema.dropTable('return_lines').execute();
  await sql`drop function return_lines_within_delivered()`.execute(db);
  await db.schema.dropTable('returns').execute();
  await sql`drop function returns_final_is_final()`.execute(db);
}
