import type { PaymentProvider as PaymentProviderName } from '../../db/database';
import type { PaymentMethod } from '../../domain/checkout';
import type { Money } from '../../domain/money';

export type { PaymentProviderName };

/** How the customer pays: for Stripe, the id of a PaymentMethod the storefront created (pm_...), never card data. */
export type { PaymentMethod };

export interface AuthorizeRequest {
  /** Our payments row id; the provider keeps it with the authorization so a webhook can find the row. */
  paymentId: string;
  orderId: string;
  /** The workflow that owns the order (order-<orderId>). */
  workflowId: string;
  amount: Money;
  paymentMethod: PaymentMethod;
  idempotencyKey: string;
}

export type AuthorizeResult =
  | {
      status: 'authorized';
      externalId: string;
      /** What the provider holds, which is what may be captured. */
      authorized: Money;
      /** When the provider releases the hold unless captured; null when it does not say. */
      expiresAt: Date | null;
      /** The hold may be captured in parts (Stripe's multicapture); otherwise one capture takes it all. */
      multicapture: boolean;
    }
  | {
      status: 'declined';
      /** Set when the provider created an object for the attempt (a failed PaymentIntent). */
      externalId: string | null;
      /** The provider's error code, e.g. card_declined, expired_card, authentication_required. */
      code: string;
      /** The issuer's reason when there is one, e.g. insufficient_funds. */
      declineCode: string | null;
      message: string;
    };

export interface CancelAuthorizationRequest {
  externalId: string;
  idempotencyKey: string;
}

export interface CaptureRequest {
  externalId: string;
  /** May be less than authorized (partial capture, e.g. for what shipped). */
  amount: Money;
  idempotencyKey: string;
  /** False keeps the rest of the hold for later captures where the provider supports it; default true. */
  finalCapture?: boolean;
}

export interface CaptureResult {
  externalId: string;
  /** What this capture took. */
  captured: Money;
  /** The provider's running totals for the authorization, when it keeps them. */
  totals: { captured: Money; capturable: Money } | null;
}

export interface RefundRequest {
  externalId: string;
  amount: Money;
  /** `refund-<refundId>/create`. */
  idempotencyKey: string;
  /** Ours, echoed by the provider's refund events so a webhook finds refund-<refundId>. */
  refundId: string;
  orderId: string;
}

export interface RefundResult {
  refundId: string;
  status: 'succeeded' | 'pending' | 'failed';
  amount: Money;
  /** The provider's reason, when it failed. */
  failureReason?: string;
}

/**
 * The payments port. Every method is a write at the provider and takes an idempotency key that
 * the caller derives from its workflow (never a random one), so a retried call cannot move money
 * twice. A declined authorization is a result; anything else that goes wrong is thrown and retried.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Releases an uncaptured authorization; cancelling one that is already cancelled succeeds. */
  cancelAuthorization(request: CancelAuthorizationRequest): Promise<void>;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export type PaymentProviders = Record<PaymentProviderName, PaymentProvider>;
