import assert from 'node:assert/strict';
import { authorizationExpiry, captureDeadline, capturedOrUnderWay, decideBeforeExpiry, DEFAULT_AUTHORIZATION_DAYS, owedByOrder, uncollected } from '../../domain/authorization-expiry';
import { money } from '../../domain/money';

const usd = (amount: number) => money(amount, 'USD');
const at = (iso: string) => new Date(iso);

describe('authorization expiry policy', () => {
  const expiresAt = at('2026-12-08T12:00:00Z');

  it("takes the provider's expiry, else the default days from the authorization", () => {
    assert.deepEqual(authorizationExpiry(at('2026-12-01T12:00:00Z'), expiresAt), expiresAt);
    assert.equal(DEFAULT_AUTHORIZATION_DAYS, 7);
    assert.deepEqual(authorizationExpiry(at('2026-12-01T12:00:00Z'), null), at('2026-12-08T12:00:00Z'));
  });

  it('waits until a day before the hold lapses', () => {
    assert.deepEqual(captureDeadline(expiresAt), at('2026-12-07T12:00:00Z'));
    assert.deepEqual(decideBeforeExpiry({ expiresAt, now: at('2026-12-02T00:00:00Z'), owed: usd(7000), captured: usd(2000) }), {
      action: 'wait',
      until: at('2026-12-07T12:00:00Z'),
    });
  });

  it('then captures the rest of what is owed in full, as the final capture', () => {
    for (const now of ['2026-12-07T12:00:00Z', '2026-12-08T11:59:59Z']) {
      assert.deepEqual(decideBeforeExpiry({ expiresAt, now: at(now), owed: usd(7000), captured: usd(2000) }), {
        action: 'capture-rest',
        amount: usd(5000),
        finalCapture: true,
      });
    }
  });

  it('does nothing once everything owed is captured, however late', () => {
    for (const now of ['2026-12-02T00:00:00Z', '2026-12-09T00:00:00Z']) {
      assert.deepEqual(decideBeforeExpiry({ expiresAt, now: at(now), owed: usd(7000), captured: usd(7000) }), { action: 'nothing-owed' });
    }
    // Lines cancelled after a capture: owed fell below what was captured (the refund is another step).
    assert.deepEqual(decideBeforeExpiry({ expiresAt, now: at('2026-12-07T13:00:00Z'), owed: usd(1000), captured: usd(2000) }), { action: 'nothing-owed' });
  });

  it('reports what can no longer be collected once the hold has lapsed', () => {
    assert.deepEqual(decideBeforeExpiry({ expiresAt, now: expiresAt, owed: usd(7000), captured: usd(2000) }), { action: 'expired', uncollected: usd(5000) });
  });

  it('refuses amounts in two currencies', () => {
    assert.throws(() => decideBeforeExpiry({ expiresAt, now: expiresAt, owed: usd(1), captured: money(1, 'EUR') }), /cannot combine/);
  });

  it('owes the total less the shares of parcels cancelled before they left', () => {
    assert.deepEqual(owedByOrder(usd(7000), []), usd(7000));
    assert.deepEqual(owedByOrder(usd(7000), [usd(2000), usd(500)]), usd(4500));
  });

  it('counts captures taken or under way as captured, never those that failed', () => {
    const captures = [
      { amount: usd(2000), status: 'captured' as const },
      { amount: usd(1000), status: 'started' as const },
      { amount: usd(400), status: 'refused' as const },
      { amount: usd(300), status: 'authorization-expired' as const },
    ];
    assert.deepEqual(capturedOrUnderWay(captures, 'USD'), usd(3000));
    assert.deepEqual(capturedOrUnderWay([], 'USD'), usd(0));
    // What is uncollected counts only what was actually taken, and never goes below zero.
    assert.deepEqual(uncollected(usd(7000), captures), usd(5000));
    assert.deepEqual(uncollected(usd(1000), captures), usd(0));
  });
});
