import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { appendLedgerEntry, findPaymentLedger, type NewLedgerEntry } from '../../db/payment-ledger';
import { findPaymentDrift } from '../../db/reconcile-payments';
import { assertRefused, createOrder, createTestDb, uniqueId } from '../support/db-fixtures';

const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';
const RESTRICT = '23001';

describe('payment ledger (db invariants)', function () {
  this.timeout(20_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });
  after(async () => {
    await db?.destroy();
  });

  /** A payment with nothing in its ledger yet, and the movement maker for it. */
  async function payment() {
    const order = await createOrder(db);
    const { id } = await db
      .insertInto('payments')
      .values({ order_id: order.id, provider: 'stripe', external_id: uniqueId('pi'), status: 'authorized', currency: 'USD' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const entry = (kind: NewLedgerEntry['kind'], amount: number, key = uniqueId(kind)): NewLedgerEntry => ({
      paymentId: id,
      orderId: order.id,
      kind,
      amount,
      currency: 'USD',
      providerReference: 'pi_test',
      idempotencyKey: key,
    });
    const totals = async () =>
      db.selectFrom('payments').select(['authorized_amount', 'captured_amount', 'refunded_amount']).where('id', '=', id).executeTakeFirstOrThrow();
    return { id, orderId: order.id, entry, totals };
  }

  it('reconciles: the totals equal the ledger summed as the trigger applies it (a late failure reverses its refund), and a total written past the ledger is named', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    await appendLedgerEntry(db, p.entry('captured', 3000));
    await appendLedgerEntry(db, { ...p.entry('refund_requested', 700), providerReference: null });
    await appendLedgerEntry(db, { ...p.entry('refunded', 700), providerReference: 're_1' });
    await appendLedgerEntry(db, { ...p.entry('refund_failed', 700), providerReference: 're_1' });
    await appendLedgerEntry(db, { ...p.entry('refund_requested', 300), providerReference: null });
    await appendLedgerEntry(db, { ...p.entry('refund_failed', 300), providerReference: null });
    await appendLedgerEntry(db, { ...p.entry('refund_requested', 200), providerReference: null });
    assert.deepEqual(await findPaymentDrift(db, { orderIds: [p.orderId] }), []);

    await db.updateTable('payments').set((eb) => ({ refunding_amount: eb('refunding_amount', '-', 200) })).where('id', '=', p.id).execute();
    const [drift] = await findPaymentDrift(db, { orderIds: [p.orderId] });
    assert.deepEqual(
      [drift?.payment_id, drift?.captured, drift?.ledger_captured, drift?.refunded, drift?.ledger_refunded, drift?.refunding, drift?.ledger_refunding],
      [p.id, 3000, 3000, 0, 0, 0, 200],
    );
    await db.updateTable('payments').set((eb) => ({ refunding_amount: eb('refunding_amount', '+', 200) })).where('id', '=', p.id).execute();
    assert.deepEqual(await findPaymentDrift(db, { orderIds: [p.orderId] }), [], 'consistent again: nothing left for the whole-database reconciliation');
  });

  it('moves the payment totals with every movement appended, in the same statement', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    await appendLedgerEntry(db, p.entry('captured', 2000));
    await appendLedgerEntry(db, p.entry('captured', 1000));
    await appendLedgerEntry(db, p.entry('refund_requested', 500));
    await appendLedgerEntry(db, p.entry('refunded', 500));
    assert.deepEqual(await p.totals(), { authorized_amount: 5000, captured_amount: 3000, refunded_amount: 500 });
    assert.deepEqual(
      (await findPaymentLedger(db, p.id)).map((row) => [row.kind, row.amount]),
      [['authorized', 5000], ['captured', 2000], ['captured', 1000], ['refund_requested', 500], ['refunded', 500]],
    );
  });

  it('refuses a capture beyond what was authorized, and keeps no row of it', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    await appendLedgerEntry(db, p.entry('captured', 4000));
    await assertRefused(appendLedgerEntry(db, p.entry('captured', 1001)), { code: CHECK, constraint: 'payments_captured_within_authorized' });
    await assertRefused(appendLedgerEntry(db, p.entry('refunded', 4001)), { code: CHECK, constraint: 'payments_refunded_within_captured' });
    assert.deepEqual(await p.totals(), { authorized_amount: 5000, captured_amount: 4000, refunded_amount: 0 });
    assert.equal((await findPaymentLedger(db, p.id)).length, 2);
  });

  it('appends a key once: a retry is a no-op, a plain duplicate is refused', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    const capture = p.entry('captured', 2000, `capture-${p.orderId}-1/capture`);
    assert.ok(await appendLedgerEntry(db, capture));
    assert.equal(await appendLedgerEntry(db, capture), undefined, 'the retry found its row');
    await assertRefused(
      db
        .insertInto('payment_ledger')
        .values({ payment_id: p.id, order_id: p.orderId, kind: 'captured', amount: 2000, currency: 'USD', idempotency_key: capture.idempotencyKey })
        .execute(),
      { code: UNIQUE, constraint: 'payment_ledger_idempotency_key_key' },
    );
    assert.equal((await p.totals()).captured_amount, 2000);
  });

  it('refuses UPDATE and DELETE (append-only) and keeps the row', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    await assertRefused(db.updateTable('payment_ledger').set({ amount: 1 }).where('payment_id', '=', p.id).execute(), { code: RESTRICT, message: /append-only/ });
    await assertRefused(db.deleteFrom('payment_ledger').where('payment_id', '=', p.id).execute(), { code: RESTRICT, message: /append-only/ });
    assert.deepEqual((await findPaymentLedger(db, p.id)).map((row) => row.amount), [5000]);
  });

  it("refuses a movement in another currency or order than its payment's, a non-positive amount and an unknown kind", async () => {
    const p = await payment();
    const other = await createOrder(db);
    await assertRefused(appendLedgerEntry(db, { ...p.entry('authorized', 5000), currency: 'EUR' }), { code: FOREIGN_KEY, constraint: 'payment_ledger_payment_fkey' });
    await assertRefused(appendLedgerEntry(db, { ...p.entry('authorized', 5000), orderId: other.id }), { code: FOREIGN_KEY, constraint: 'payment_ledger_payment_fkey' });
    await assertRefused(appendLedgerEntry(db, p.entry('authorized', 0)), { code: CHECK, constraint: 'payment_ledger_amount_positive' });
    await assertRefused(appendLedgerEntry(db, p.entry('authorized', -5)), { code: CHECK, constraint: 'payment_ledger_amount_positive' });
    await assertRefused(appendLedgerEntry(db, { ...p.entry('authorized', 5), kind: 'voided' as never }), { code: CHECK, constraint: 'payment_ledger_kind_check' });
    assert.deepEqual(await p.totals(), { authorized_amount: 0, captured_amount: 0, refunded_amount: 0 });
  });
  it('counts refunds in flight against what was captured: refunded + refunding <= captured, however many ask at once', async () => {
    const p = await payment();
    await appendLedgerEntry(db, p.entry('authorized', 5000));
    await appendLedgerEntry(db, p.entry('captured', 3000));
    // Ten requests of 500 at once, each in its own statement: six fit in 3000.
    const asked = await Promise.allSettled(Array.from({ length: 10 }, () => appendLedgerEntry(db, p.entry('refund_requested', 500))));
    assert.equal(asked.filter((a) => a.status === 'fulfilled').length, 6);
    for (const refused of asked.filter((a) => a.status === 'rejected')) {
      assert.equal((refused.reason as { constraint?: string }).constraint, 'payments_refunds_within_captured');
    }
    const inFlight = () => db.selectFrom('payments').select(['refunded_amount', 'refunding_amount']).where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.deepEqual(await inFlight(), { refunded_amount: 0, refunding_amount: 3000 });
    // One succeeds, one fails (its hold released), so 500 may be asked again.
    await appendLedgerEntry(db, { ...p.entry('refunded', 500), providerReference: 're_1' });
    await appendLedgerEntry(db, { ...p.entry('refund_failed', 500), providerReference: null });
    assert.deepEqual(await inFlight(), { refunded_amount: 500, refunding_amount: 2000 });
    await appendLedgerEntry(db, p.entry('refund_requested', 500));
    await assertRefused(appendLedgerEntry(db, p.entry('refund_requested', 1)), { code: CHECK, constraint: 'payments_refunds_within_captured' });
    // A refund that failed after it succeeded (same provider reference) gives the money back to the captured balance.
    await appendLedgerEntry(db, { ...p.entry('refund_failed', 500), providerReference: 're_1' });
    assert.deepEqual(await inFlight(), { refunded_amount: 0, refunding_amount: 2500 });
    // Settling what was never asked is refused.
    const fresh = await payment();
    await appendLedgerEntry(db, fresh.entry('authorized', 5000));
    await appendLedgerEntry(db, fresh.entry('captured', 3000));
    await assertRefused(appendLedgerEntry(db, { ...fresh.entry('refund_failed', 100), providerReference: null }), { code: CHECK, constraint: 'payments_refunding_non_negative' });
  });
});
