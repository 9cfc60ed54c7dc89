import assert from 'node:assert/strict';
import { NEUTRAL_TRACKING_PAGE, trackingLink } from '../../domain/tracking-link';

describe('tracking link', () => {
  it("points at the carrier's own page for the carriers we know, whatever the spelling", () => {
    assert.equal(trackingLink('USPS', '9400100000000000000000'), 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000');
    assert.equal(trackingLink('UPS', '1Z999AA10123456784'), 'https://www.ups.com/track?tracknum=1Z999AA10123456784');
    assert.equal(trackingLink('FedEx', '123456789012'), 'https://www.fedex.com/fedextrack/?trknbr=123456789012');
    assert.equal(trackingLink('DHL Express', 'JD0000'), 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=JD0000');
  });

  it('falls back to a carrier-neutral tracking search, with the number escaped', () => {
    assert.equal(trackingLink('SandboxPost', 'SP123'), `${NEUTRAL_TRACKING_PAGE}SP123`);
    assert.equal(trackingLink('Other', ' a/b '), `${NEUTRAL_TRACKING_PAGE}a%2Fb`);
  });

  it('refuses an empty tracking number', () => {
    assert.throws(() => trackingLink('USPS', '  '), /tracking number/);
  });
});
