import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { asBusinessFailure, businessFailure } from '../../domain/business-failure';

describe('business failures', () => {
  it('are non-retryable application failures typed from the closed set', () => {
    const failure = businessFailure('UnknownSku', 'unknown SKUs: X', { skus: ['X'] });
    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.type, 'UnknownSku');
  });

  it('are recognised through the activity failure that wraps them', () => {
    const wrapped = new ActivityFailure('activity failed', 'receiveStock', '1', undefined, undefined, businessFailure('OutOfStock', 'short', { lines: [] }));
    assert.deepEqual(asBusinessFailure(wrapped), { type: 'OutOfStock', message: 'short', details: { lines: [] } });
  });

  it('leave outages alone', () => {
    assert.equal(asBusinessFailure(ApplicationFailure.create({ type: 'ECONNREFUSED', message: 'down' })), undefined);
    assert.equal(asBusinessFailure(new Error('boom')), undefined);
  });
});
