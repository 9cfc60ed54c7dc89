import assert from 'node:assert/strict';
import { money } from '../../domain/money';
import { chooseRate, promisedDays, type CarrierRate } from '../../domain/rate-choice';

const rate = (carrier: string, service: string, cents: number, days: number | null, currency = 'USD'): CarrierRate => ({ carrier, service, amount: money(cents, currency), days });

describe('rate choice (the cheapest service that keeps the promised speed)', () => {
  const rates = [
    rate('SandboxPost', 'Ground', 700, 5),
    rate('SandboxPost', 'Priority', 1090, 2),
    rate('SandboxExpress', 'TwoDay', 1500, 2),
    rate('SandboxExpress', 'Overnight', 3400, 1),
    rate('Other', 'Unknown', 100, null),
  ];

  it('takes the cheapest rate within the promised days', () => {
    assert.equal(chooseRate(rates, 5, 'USD')?.service, 'Ground');
    assert.equal(chooseRate(rates, 2, 'USD')?.service, 'Priority');
    assert.equal(chooseRate(rates, 1, 'USD')?.service, 'Overnight');
  });

  it('never takes a rate without an estimate, nor one in another currency', () => {
    assert.equal(chooseRate([rate('Other', 'Unknown', 100, null), rate('Eu', 'Std', 50, 1, 'EUR')], 10, 'USD'), undefined);
  });

  it('is none when no service is fast enough', () => {
    assert.equal(chooseRate([rate('SandboxPost', 'Ground', 700, 5)], 2, 'USD'), undefined);
  });

  it('breaks a price tie by speed, then by carrier and service, whatever the order given', () => {
    const tied = [rate('B', 'x', 900, 3), rate('A', 'y', 900, 3), rate('C', 'z', 900, 2)];
    assert.equal(chooseRate(tied, 5, 'USD')?.carrier, 'C');
    assert.equal(chooseRate(tied.slice(0, 2), 5, 'USD')?.carrier, 'A');
    assert.equal(chooseRate([...tied].reverse().slice(1), 5, 'USD')?.carrier, 'A');
  });

  it('promises what the rate card promised the shopper at checkout', () => {
    assert.equal(promisedDays('standard', 'US'), 5);
    assert.equal(promisedDays('express', 'US'), 2);
    assert.equal(promisedDays('overnight', 'DE'), 2);
  });
});
