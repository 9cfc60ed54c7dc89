import assert from 'node:assert/strict';
import { trackingLink } from '../../domain/tracking-link';

describe('tracking link', () => {
  it("points at the carrier's own page for the carriers we know, whatever the spelling", () => {
    assert.equal(trackingLink('USPS', '9400100000000000000000'), 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000');
    assert.equal(trackingLink('UPS', '1Z999AA10123456784'), 'https://www.ups.com/track?tracknum=1Z999AA10123456784');
    assert.equal(trackingLink('FedEx', '123456789012'), 'https://www.fedex.com/fedextrack/?trknbr=123456789012');
    assert.equal(trackingLink('DHL Express', 'JD0000'), 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=JD0000');
  });

  it('escapes the number, and has no page for a carrier it does not know', () => {
    assert.equal(trackingLink('UPS', ' 1Z/9 '), 'https://www.ups.com/track?tracknum=1Z%2F9');
    assert.equal(trackingLink('SandboxPost', 'SP123'), null);
  });

  it('refuses an empty tracking number', () => {
    assert.throws(() => trackingLink('USPS', '  '), /tracking number/);
  });
});
