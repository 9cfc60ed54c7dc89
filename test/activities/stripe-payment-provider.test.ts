import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createStripePaymentProvider } from '../../activities/payments/stripe-payment-provider';
import type { PaymentProvider } from '../../activities/payments/payment-provider';
import { money } from '../../domain/money';
import { createStripe } from '../../platform/create-stripe';
import { stripeSandbox } from '../support/stripe-sandbox';
import { testConfig } from '../support/test-stack';

describe('Stripe adapter: capture and refund (the Stripe sandbox)', () => {
  const sandbox = stripeSandbox();
  let provider: PaymentProvider;

  before(() => {
    provider = createStripePaymentProvider({ stripe: createStripe(testConfig()) });
  });

  /** A held authorization of `amount` USD cents, as checkout leaves it, and the key prefix of its order. */
  async function authorization(amount: number) {
    const orderId = randomUUID();
    const prefix = `order-${orderId}/`;
    const result = await provider.authorize({
      paymentId: randomUUID(),
      orderId,
      workflowId: `order-${orderId}`,
      amount: money(amount, 'USD'),
      paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' },
      idempotencyKey: `${prefix}authorize`,
    });
    assert.equal(result.status, 'authorized');
    return { externalId: result.externalId!, prefix };
  }

  it('captures part of an authorization, keeping the rest, then the rest, with the caller keys', async () => {
    const { externalId, prefix } = await authorization(5000);

    const partial = await provider.capture({ externalId, amount: money(2000, 'USD'), idempotencyKey: `${prefix}capture/1`, finalCapture: false });
    assert.deepEqual(partial, { externalId, captured: money(2000, 'USD'), totals: { captured: money(2000, 'USD'), capturable: money(3000, 'USD') } });
    const [request] = await sandbox.requests({ method: 'POST', path: `/v1/payment_intents/${externalId}/capture`, idempotencyKeyPrefix: prefix });
    assert.deepEqual([request?.idempotencyKey, request?.status], [`${prefix}capture/1`, 200]);
    assert.deepEqual(request?.form, { amount_to_capture: '2000', final_capture: 'false' });
    const held = await sandbox.paymentIntent(externalId);
    assert.deepEqual([held.status, held.amount_received, held.amount_capturable], ['requires_capture', 2000, 3000]);

    const rest = await provider.capture({ externalId, amount: money(3000, 'USD'), idempotencyKey: `${prefix}capture/2` });
    assert.deepEqual(rest.totals, { captured: money(5000, 'USD'), capturable: money(0, 'USD') });
    const settled = await sandbox.paymentIntent(externalId);
    assert.deepEqual([settled.status, settled.amount_received, settled.amount_capturable], ['succeeded', 5000, 0]);
  });

  it('refunds part of a captured intent with the caller key, and refuses more than is left', async () => {
    const { externalId, prefix } = await authorization(5000);
    await provider.capture({ externalId, amount: money(5000, 'USD'), idempotencyKey: `${prefix}capture` });

    const refunded = await provider.refund({ externalId, amount: money(500, 'USD'), idempotencyKey: `${prefix}refund/1`, refundId: 'r-1', orderId: 'o-1' });

    const [request] = await sandbox.requests({ method: 'POST', path: '/v1/refunds', idempotencyKeyPrefix: prefix });
    assert.deepEqual([request?.idempotencyKey, request?.status], [`${prefix}refund/1`, 200]);
    assert.deepEqual(request?.form, { payment_intent: externalId, amount: '500', 'metadata[refundId]': 'r-1', 'metadata[orderId]': 'o-1' });
    assert.deepEqual(refunded, { refundId: request?.response?.id, status: 'succeeded', amount: money(500, 'USD') });
    await assert.rejects(provider.refund({ externalId, amount: money(4600, 'USD'), idempotencyKey: `${prefix}refund/2`, refundId: 'r-2', orderId: 'o-1' }), /greater than unrefunded amount/);
  });

  it('reports a capture of an expired authorization as AuthorizationExpired, not retried', async () => {
    const { externalId, prefix } = await authorization(5000);
    await sandbox.expire(externalId);

    await assert.rejects(provider.capture({ externalId, amount: money(5000, 'USD'), idempotencyKey: `${prefix}capture` }), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.deepEqual([error.type, error.nonRetryable], ['AuthorizationExpired', true]);
      assert.match(error.message, /automatic/);
      return true;
    });
    const captures = await sandbox.requests({ method: 'POST', path: `/v1/payment_intents/${externalId}/capture`, idempotencyKeyPrefix: prefix });
    assert.deepEqual(
      captures.map((r) => r.status),
      [400],
      'Stripe refused it once; nobody asked again',
    );
    const intent = await sandbox.paymentIntent(externalId);
    assert.deepEqual([intent.status, intent.cancellation_reason, intent.amount_capturable, intent.amount_received], ['canceled', 'automatic', 0, 0]);
  });
});
