import assert from 'node:assert/strict';
import { applyTrackingEvent, untracked, type Tracking, type TrackingEvent, type TrackingStatus } from '../../domain/tracking';

const at = (minute: number) => Date.UTC(2026, 11, 1, 10, minute);
const event = (eventId: string, status: TrackingStatus, minute: number): TrackingEvent => ({ eventId, status, occurredAt: at(minute) });
const replay = (events: TrackingEvent[]): Tracking => events.reduce((tracking, e) => applyTrackingEvent(tracking, e).tracking, untracked);

describe('tracking only moves forward, in the carrier time', () => {
  const journey = [event('e1', 'pre_transit', 0), event('e2', 'in_transit', 10), event('e3', 'out_for_delivery', 20), event('e4', 'delivered', 30)];

  it('follows a journey reported in order', () => {
    assert.deepEqual(replay(journey), { status: 'delivered', lastEventAt: at(30), seenEventIds: ['e1', 'e2', 'e3', 'e4'] });
  });

  it('ends delivered whatever order the same events arrive in, and with duplicates', () => {
    const orders = [[3, 2, 1, 0], [1, 3, 0, 2], [0, 0, 3, 3, 1, 2, 2]];
    for (const order of orders) assert.equal(replay(order.map((i) => journey[i]!)).status, 'delivered', JSON.stringify(order));
  });

  it('ignores a redelivered event by its id', () => {
    const once = replay(journey.slice(0, 2));
    const outcome = applyTrackingEvent(once, journey[1]!);
    assert.deepEqual(outcome, { applied: false, tracking: once, ignored: 'duplicate' });
  });

  it('never goes back from delivered, not even for a later scan', () => {
    const delivered = replay(journey);
    const late = applyTrackingEvent(delivered, event('e5', 'in_transit', 40));
    assert.equal(late.applied, false);
    assert.equal(late.applied === false && late.ignored, 'after-final');
    assert.equal(late.tracking.status, 'delivered');
  });

  it('ignores an event older than the newest applied, and a lower status reported later', () => {
    const outForDelivery = replay(journey.slice(0, 3));
    const older = applyTrackingEvent(outForDelivery, event('x1', 'in_transit', 15));
    assert.equal(older.applied === false && older.ignored, 'older');
    const backwards = applyTrackingEvent(outForDelivery, event('x2', 'in_transit', 25));
    assert.equal(backwards.applied === false && backwards.ignored, 'backwards');
    assert.equal(backwards.tracking.status, 'out_for_delivery');
  });

  it('takes a new scan of the same in-flight status as progress', () => {
    const outcome = applyTrackingEvent(replay(journey.slice(0, 2)), event('e2b', 'in_transit', 12));
    assert.equal(outcome.applied, true);
    assert.equal(outcome.tracking.lastEventAt, at(12));
  });

  it('ends the journey at failure or return to sender as it does at delivered', () => {
    for (const end of ['failure', 'return_to_sender'] as const) {
      const ended = replay([...journey.slice(0, 2), event('f', end, 15)]);
      assert.equal(ended.status, end);
      assert.equal(applyTrackingEvent(ended, event('g', 'delivered', 50)).tracking.status, end);
    }
  });
});
