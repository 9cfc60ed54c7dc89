import { ApplicationFailure } from '@temporalio/common';
import Stripe from 'stripe';
import { money } from '../../domain/money';
import type {
  AuthorizeRequest,
  AuthorizeResult,
  CancelAuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from './payment-provider';

export interface StripePaymentProviderDeps {
  stripe: Stripe;
}

const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]+$/;

/**
 * The Stripe adapter: PaymentIntents with manual capture. Every write passes our idempotency key
 * as a request option, so neither a retry by the SDK nor one by Temporal can create a second
 * PaymentIntent, capture or refund (and the SDK never falls back to a random key of its own).
 */
export function createStripePaymentProvider({ stripe }: StripePaymentProviderDeps): PaymentProvider {
  return {
    name: 'stripe',

    async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
      const { paymentMethod, amount } = request;
      if (paymentMethod.provider !== 'stripe') throw new TypeError(`the Stripe provider cannot authorize a ${paymentMethod.provider} payment`);
      if (!PAYMENT_METHOD_ID.test(paymentMethod.paymentMethodId)) {
        return { status: 'declined', externalId: null, code: 'invalid_payment_method', declineCode: null, message: 'Not a Stripe PaymentMethod id (pm_...).' };
      }
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.create(
          {
            amount: amount.amount,
            currency: amount.currency.toLowerCase(),
            payment_method: paymentMethod.paymentMethodId,
            // Confirmed server-side with no return_url: only methods that need no redirect may pay.
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            capture_method: 'manual',
            confirm: true,
            // Checkout answers synchronously and has no step for 3-D Secure: a card that needs it fails now.
            error_on_requires_action: true,
            // Lets the capture workflows capture per shipment where the card network allows it.
            payment_method_options: { card: { request_multicapture: 'if_available' } },
            metadata: { orderId: request.orderId, workflowId: request.workflowId, paymentId: request.paymentId },
            expand: ['latest_charge'],
          },
          { idempotencyKey: request.idempotencyKey },
        );
      } catch (error) {
        const declined = asDecline(error);
        if (declined) return declined;
        throw refuseKeyReuse(error);
      }
      switch (intent.status) {
        case 'requires_capture':
          return {
            status: 'authorized',
            externalId: intent.id,
            authorized: money(intent.amount_capturable, amount.currency),
            expiresAt: captureBefore(intent),
            multicapture: multicaptureAvailable(intent),
          };
        case 'requires_payment_method':
        case 'requires_action':
        case 'canceled':
          return {
            status: 'declined',
            externalId: intent.id,
            code: intent.last_payment_error?.code ?? (intent.status === 'requires_action' ? 'authentication_required' : 'payment_failed'),
            declineCode: intent.last_payment_error?.decline_code ?? null,
            message: intent.last_payment_error?.message ?? `The PaymentIntent is ${intent.status}.`,
          };
        default:
          // processing, succeeded, requires_confirmation: not what a confirmed manual-capture card intent
          // answers; fail loudly (and retry) rather than guess.
          throw new Error(`PaymentIntent ${intent.id} is ${intent.status} after a confirmed manual-capture authorization`);
      }
    },

    async cancelAuthorization(request: CancelAuthorizationRequest): Promise<void> {
      try {
        await stripe.paymentIntents.cancel(request.externalId, { cancellation_reason: 'abandoned' }, { idempotencyKey: request.idempotencyKey });
      } catch (error) {
        // Cancelled already (by us past Stripe's 24 h idempotency window, or on the dashboard): done.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.payment_intent?.status === 'canceled') return;
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.payment_intent?.status === 'succeeded') {
          throw ApplicationFailure.create({
            type: 'PaymentAlreadyCaptured',
            message: `PaymentIntent ${request.externalId} was captured; it can only be refunded`,
            nonRetryable: true,
          });
        }
        throw refuseKeyReuse(error);
      }
    },

    async capture(request: CaptureRequest): Promise<CaptureResult> {
      try {
        const intent = await stripe.paymentIntents.capture(
          request.externalId,
          { amount_to_capture: request.amount.amount, ...(request.finalCapture === false && { final_capture: false }) },
          { idempotencyKey: request.idempotencyKey },
        );
        return {
          externalId: intent.id,
          captured: request.amount,
          totals: {
            captured: money(intent.amount_received, request.amount.currency),
            capturable: money(intent.amount_capturable, request.amount.currency),
          },
        };
      } catch (error) {
        // Released by the card network past capture_before, or cancelled: no retry can capture it.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.payment_intent?.status === 'canceled') {
          throw ApplicationFailure.create({
            type: 'AuthorizationExpired',
            message: `PaymentIntent ${request.externalId} is canceled (${error.payment_intent.cancellation_reason ?? 'no reason given'}); its authorization can no longer be captured`,
            nonRetryable: true,
            cause: error,
          });
        }
        throw refuseKeyReuse(error);
      }
    },

    async refund(request: RefundRequest): Promise<RefundResult> {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: request.externalId, amount: request.amount.amount, metadata: { refundId: request.refundId, orderId: request.orderId } },
          { idempotencyKey: request.idempotencyKey },
        );
        return {
          refundId: refund.id,
          status: refundStatus(refund.status),
          amount: money(refund.amount, request.amount.currency),
          ...(refund.failure_reason && { failureReason: refund.failure_reason }),
        };
      } catch (error) {
        // Stripe refused this refund (nothing captured, more than is left): no retry changes that.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          throw ApplicationFailure.create({ type: 'RefundRefused', message: `${error.code ?? 'invalid_request'}: ${error.message}`, nonRetryable: true, cause: error });
        }
        throw refuseKeyReuse(error);
      }
    },
  };
}

/** A card the issuer refused, or a PaymentMethod that cannot pay: the customer must choose again. */
function asDecline(error: unknown): AuthorizeResult | undefined {
  if (error instanceof Stripe.errors.StripeCardError) {
    return {
      status: 'declined',
      externalId: error.payment_intent?.id ?? null,
      code: error.code ?? 'card_declined',
      // The SDK turns a missing decline_code (expired_card, incorrect_cvc) into ''.
      declineCode: error.decline_code || null,
      message: error.message,
    };
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.param === 'payment_method') {
    return {
      status: 'declined',
      externalId: error.payment_intent?.id ?? null,
      code: error.code ?? 'invalid_payment_method',
      declineCode: null,
      message: error.message,
    };
  }
  return undefined;
}

/**
 * Stripe refuses a key reused with other parameters. Retrying cannot fix that (the key is derived
 * from the workflow), so it must not be retried for ever.
 */
function refuseKeyReuse(error: unknown): unknown {
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return ApplicationFailure.create({ type: 'IdempotencyKeyConflict', message: error.message, nonRetryable: true, cause: error });
  }
  return error;
}

function multicaptureAvailable(intent: Stripe.PaymentIntent): boolean {
  const charge = intent.latest_charge;
  return typeof charge === 'object' && charge?.payment_method_details?.card?.multicapture?.status === 'available';
}

function captureBefore(intent: Stripe.PaymentIntent): Date | null {
  const charge = intent.latest_charge;
  const seconds = typeof charge === 'object' && charge ? charge.payment_method_details?.card?.capture_before : undefined;
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
}

function refundStatus(status: string | null): RefundResult['status'] {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

