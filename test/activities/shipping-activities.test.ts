import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RateRequest } from '../../activities/shipping/carrier';
import { createRateCardCarrier } from '../../activities/shipping/rate-card-carrier';
import { createShippingActivities } from '../../activities/shipping/shipping-activities';
import { quietLogger } from '../support/test-stack';

describe('shipping activities (rate-card carrier)', () => {
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const { quoteShipping } = createShippingActivities({ carrier: createRateCardCarrier() });
  const destination = { country: 'US', region: 'IL', postalCode: '62701' };
  const quote = (request: RateRequest) => env.run(quoteShipping, request) as Promise<Awaited<ReturnType<typeof quoteShipping>>>;

  it('quotes by speed and weight in the order currency', async () => {
    const standard = await quote({ destination, speed: 'standard', currency: 'USD', size: { units: 1, weightGrams: 500 } });
    const overnight = await quote({ destination, speed: 'overnight', currency: 'USD', size: { units: 1, weightGrams: 500 } });
    const heavy = await quote({ destination, speed: 'standard', currency: 'USD', size: { units: 4, weightGrams: 9_000 } });
    assert.equal(standard.currency, 'USD');
    assert.ok(Number.isSafeInteger(standard.amount) && standard.amount > 0);
    assert.ok(overnight.amount > standard.amount);
    assert.ok(heavy.amount > standard.amount);
  });

  it('refuses what the carrier cannot take as AddressUndeliverable, a business failure', async () => {
    await assert.rejects(
      quote({ destination, speed: 'standard', currency: 'JPY', size: { units: 1, weightGrams: 500 } }),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'AddressUndeliverable' && error.nonRetryable === true,
    );
  });
});
