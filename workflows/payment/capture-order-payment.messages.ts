import type { Money } from '../../domain/money';

/** What the order workflow (its shipments) needs to start a capture and read its outcome, without importing workflow code. */
export const captureOrderPaymentWorkflowType = 'captureOrderPayment';
export type CaptureOrderPaymentWorkflow = (input: CaptureOrderPaymentInput) => Promise<CaptureOutcome>;

/**
 * capture-<orderId>-<n>: the order's n-th capture (1, 2, ... in the order it starts them). The id
 * is the capture's idempotency key, so a capture started again under the same id (after its
 * retries ran out) can never take the money twice; only a new capture gets a new n.
 */
export const captureWorkflowId = (orderId: string, n: number): string => `capture-${orderId}-${n}`;

export interface CaptureOrderPaymentInput {
  orderId: string;
  paymentId: string;
  amount: Money;
  /** False keeps the rest of the authorization for later captures (multicapture); the last capture is final. */
  finalCapture: boolean;
}

export type CaptureOutcome =
  | { status: 'captured'; orderId: string; paymentId: string; captured: Money; totalCaptured: Money; finalCapture: boolean }
  /** The provider released the hold (capture_before passed): nothing was captured; the order decides what next. */
  | { status: 'authorization-expired'; orderId: string; paymentId: string; amount: Money; message: string }
  /** A capture that can never succeed: the payment is cancelled or fully captured, or the amount exceeds what is left. */
  | { status: 'refused'; orderId: string; paymentId: string; amount: Money; reason: CaptureRefusal; message: string };

export const captureRefusals = ['PaymentNotCapturable', 'IdempotencyKeyConflict'] as const;
export type CaptureRefusal = (typeof captureRefusals)[number];
