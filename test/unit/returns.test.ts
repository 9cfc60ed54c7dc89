import assert from 'node:assert/strict';
import {
  acceptedUnits,
  autoApproval,
  checkInspection,
  refundAmountFor,
  validateReturnRequest,
  type ReturnRequestContext,
} from '../../domain/returns';

const day = 86_400_000;
const deliveredAt = new Date('2026-12-01T12:00:00Z');
const ctx = (overrides: Partial<ReturnRequestContext> = {}): ReturnRequestContext => ({
  deliveredAt,
  now: new Date(deliveredAt.getTime() + 5 * day),
  windowMs: 30 * day,
  lines: [
    { orderItemId: 'a', sku: 'SKU-A', unitPriceAmount: 1000, delivered: 2, alreadyReturned: 0 },
    { orderItemId: 'b', sku: 'SKU-B', unitPriceAmount: 250, delivered: 3, alreadyReturned: 1 },
  ],
  ...overrides,
});
const refusal = (decision: ReturnType<typeof validateReturnRequest>) => (decision.ok ? 'accepted' : decision.refusal.code);

describe('return rules', () => {
  it('accepts lines within what was delivered and prices them', () => {
    const decision = validateReturnRequest([{ orderItemId: 'a', quantity: 2 }, { orderItemId: 'b', quantity: 2 }], 'damaged', ctx());
    assert.deepEqual(decision, {
      ok: true,
      amount: 2500,
      lines: [
        { orderItemId: 'a', quantity: 2, sku: 'SKU-A', unitPriceAmount: 1000 },
        { orderItemId: 'b', quantity: 2, sku: 'SKU-B', unitPriceAmount: 250 },
      ],
    });
  });

  it('refuses more than delivered minus already returned, naming what is left', () => {
    const decision = validateReturnRequest([{ orderItemId: 'b', quantity: 3 }], 'changed-mind', ctx());
    assert.equal(refusal(decision), 'quantity-exceeds-delivered');
    assert.deepEqual(!decision.ok && decision.refusal.details, { orderItemId: 'b', sku: 'SKU-B', returnable: 2, requested: 3 });
  });

  it('counts the window from the delivery: open on its last millisecond, closed after', () => {
    const lines = [{ orderItemId: 'a', quantity: 1 }];
    assert.equal(refusal(validateReturnRequest(lines, 'damaged', ctx({ now: new Date(deliveredAt.getTime() + 30 * day) }))), 'accepted');
    assert.equal(refusal(validateReturnRequest(lines, 'damaged', ctx({ now: new Date(deliveredAt.getTime() + 30 * day + 1) }))), 'window-closed');
  });

  it('refuses undelivered orders, unknown or repeated lines, empty requests, unknown reasons and fully returned orders', () => {
    const one = [{ orderItemId: 'a', quantity: 1 }];
    assert.equal(refusal(validateReturnRequest(one, 'damaged', ctx({ deliveredAt: null }))), 'not-delivered');
    assert.equal(refusal(validateReturnRequest([{ orderItemId: 'z', quantity: 1 }], 'damaged', ctx())), 'unknown-order-line');
    assert.equal(refusal(validateReturnRequest([...one, ...one], 'damaged', ctx())), 'duplicate-order-line');
    assert.equal(refusal(validateReturnRequest([], 'damaged', ctx())), 'nothing-to-return');
    assert.equal(refusal(validateReturnRequest(one, 'too-big', ctx())), 'invalid-reason-code');
    const allBack = ctx({ lines: ctx().lines.map((line) => ({ ...line, alreadyReturned: line.delivered })) });
    assert.equal(refusal(validateReturnRequest(one, 'damaged', allBack)), 'nothing-to-return');
    assert.throws(() => validateReturnRequest([{ orderItemId: 'a', quantity: 0 }], 'damaged', ctx()), RangeError);
  });

  it('approves small returns of unflagged orders automatically, at the limit not', () => {
    const policy = { maxAmount: 5000 };
    assert.deepEqual(autoApproval(4999, 'low', policy), { approve: true });
    assert.deepEqual(autoApproval(4999, null, policy), { approve: true });
    assert.deepEqual(autoApproval(5000, 'low', policy), { approve: false, why: 'amount-over-limit' });
    assert.deepEqual(autoApproval(1, 'medium', policy), { approve: false, why: 'risk-flagged' });
    assert.deepEqual(autoApproval(1, 'high', policy), { approve: false, why: 'risk-flagged' });
  });

  it('checks an inspection against the return and counts restockable and damaged units', () => {
    const lines = [
      { orderItemId: 'a', sku: 'SKU-A', quantity: 2, unitPriceAmount: 1000 },
      { orderItemId: 'b', sku: 'SKU-B', quantity: 1, unitPriceAmount: 250 },
    ];
    const checked = checkInspection(lines, [{ orderItemId: 'a', units: ['restockable', 'damaged'] }]);
    assert.deepEqual(checked.ok && checked.lines.map((l) => [l.orderItemId, l.restockable, l.damaged]), [
      ['a', 1, 1],
      ['b', 0, 0],
    ]);
    assert.equal(checkInspection(lines, [{ orderItemId: 'a', units: ['damaged', 'damaged', 'damaged'] }]).ok, false);
    assert.equal(checkInspection(lines, [{ orderItemId: 'x', units: ['damaged'] }]).ok, false);
    assert.equal(checkInspection(lines, [{ orderItemId: 'a', units: [] }, { orderItemId: 'a', units: [] }]).ok, false);
  });

  it('refunds damaged units unless the customer changed their mind', () => {
    const line = { orderItemId: 'a', sku: 'SKU-A', quantity: 3, unitPriceAmount: 1000, restockable: 2, damaged: 1 };
    assert.equal(acceptedUnits('damaged', line), 3);
    assert.equal(acceptedUnits('changed-mind', line), 2);
    assert.equal(refundAmountFor('changed-mind', [line]), 2000);
    assert.equal(refundAmountFor('wrong-item', [line]), 3000);
  });
});
