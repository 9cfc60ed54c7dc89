import assert from 'node:assert/strict';
import { add, allocate, applyRate, divideHalfEven, money, multiply, sum } from '../../domain/money';

describe('money', () => {
  it('refuses fractional amounts and bad currency codes', () => {
    assert.throws(() => money(10.5, 'USD'), RangeError);
    assert.throws(() => money(Number.MAX_SAFE_INTEGER + 1, 'USD'), RangeError);
    assert.throws(() => money(100, 'usd'), RangeError);
  });

  it('adds and multiplies in minor units and refuses mixed currencies', () => {
    assert.deepEqual(add(money(1999, 'USD'), money(1, 'USD')), money(2000, 'USD'));
    assert.deepEqual(multiply(money(333, 'EUR'), 3), money(999, 'EUR'));
    assert.deepEqual(sum([money(1, 'EUR'), money(2, 'EUR')], 'EUR'), money(3, 'EUR'));
    assert.throws(() => add(money(1, 'USD'), money(1, 'EUR')), /cannot combine USD with EUR/);
  });

  it('rounds half to even', () => {
    assert.equal(divideHalfEven(5, 2), 2); // 2.5 -> 2
    assert.equal(divideHalfEven(7, 2), 4); // 3.5 -> 4
    assert.equal(divideHalfEven(-5, 2), -2);
    assert.equal(divideHalfEven(10, 4), 2); // 2.5 -> 2
    assert.equal(divideHalfEven(11, 4), 3); // 2.75 -> 3
    assert.throws(() => divideHalfEven(1, 0), RangeError);
  });

  it('applies a rate in basis points with the same rounding', () => {
    // 8.25% of 10.00 = 0.825 -> 0.82 (half-even), of 10.10 = 0.83325 -> 0.83
    assert.equal(applyRate(money(1000, 'USD'), 825).amount, 82);
    assert.equal(applyRate(money(1010, 'USD'), 825).amount, 83);
    assert.equal(applyRate(money(1000, 'USD'), 1900).amount, 190);
  });

  it('allocates by largest remainder so parts always add up to the whole', () => {
    assert.deepEqual(
      allocate(money(100, 'USD'), [1, 1, 1]).map((m) => m.amount),
      [34, 33, 33],
    );
    assert.deepEqual(
      allocate(money(1000, 'USD'), [3000, 2000, 5000]).map((m) => m.amount),
      [300, 200, 500],
    );
    assert.deepEqual(
      allocate(money(5, 'USD'), [1, 3]).map((m) => m.amount),
      [1, 4], // 1.25 and 3.75: the larger remainder takes the spare unit
    );
    for (let amount = 0; amount < 200; amount += 7) {
      const parts = allocate(money(amount, 'EUR'), [5, 9, 13, 0]);
      assert.equal(
        parts.reduce((s, p) => s + p.amount, 0),
        amount,
      );
      assert.equal(parts[3]!.amount, 0);
    }
    assert.throws(() => allocate(money(10, 'USD'), [0, 0]), RangeError);
  });
});
