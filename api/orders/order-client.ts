import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type Duration, type UpdateDefinition } from '@temporalio/common';
import { isFinal, isRefusalCode } from '../../domain/order-state';
import {
  orderStatusQuery,
  orderWorkflowId,
  processOrderWorkflowType,
  submitCheckoutUpdate,
  type CheckoutResult,
  type OrderInput,
  type OrderView,
  type ProcessOrderWorkflow,
  requestRefundUpdate,
  cancelRestUpdate,
  type CancelRestRequest,
  type RefundRequest,
  type RefundSummary,
  type SupportRequest,
} from '../../workflows/order/order.messages';
import { approveRefundUpdate, refundStatusQuery, refundWorkflowId, type RefundDecision, type RefundView } from '../../workflows/refund/refund-payment.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { Problem } from '../http/problem';
import type { Principal } from '../http/tokens';
import { startCheckoutOperation } from './checkout-start';

const RESOURCE_EXHAUSTED = 8;
const isServiceError = (error: unknown): error is Error & { code: number } => typeof (error as { code?: unknown }).code === 'number';

export type OrderClient = ReturnType<typeof createOrderClient>;

/**
 * The one place the API talks to order workflows: checkout, the view, and requests. Workflow
 * errors leave here as problems: a refusal as the problem type that names its reason, an order
 * that does not exist (or is not yours) as a 404, and an order whose workflow has ended as a
 * 409 naming its final status, since an ended order is still an order.
 */
/** How many times a refund request waits for room when the order has as many updates in flight as Temporal allows. */
const UPDATE_ROOM_ATTEMPTS = 40;

export function createOrderClient(temporal: Client, defaults: { returnWindow?: string; refundApproval?: { threshold: number; deadline: string } } = {}) {
  const handle = (orderId: string): WorkflowHandle<ProcessOrderWorkflow> => temporal.workflow.getHandle(orderWorkflowId(orderId));
  // Identical requests arriving together at this instance share one update: Temporal allows only
  // a few updates in flight per workflow, and a retrying client should not use them all up.
  const running = new Map<string, Promise<CheckoutResult>>();

  async function submit(input: OrderInput): Promise<CheckoutResult> {
    const start = startCheckoutOperation<ProcessOrderWorkflow>(processOrderWorkflowType, taskQueues.orders, input);
    try {
      return await temporal.workflow.executeUpdateWithStart(submitCheckoutUpdate, { args: [input.requestHash], startWorkflowOperation: start });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        // The checkout under this key has finished: its answer stands.
        const { memo } = await handle(input.orderId).describe();
        if (memo?.requestHash !== input.requestHash) throw new Problem('idempotency-key-reused');
        return handle(input.orderId).result();
      }
      if (error instanceof WorkflowUpdateFailedError) throw new Problem('idempotency-key-reused', (error.cause as Error | undefined)?.message);
      if (isServiceError(error) && error.code === RESOURCE_EXHAUSTED) {
        // Temporal caps concurrent updates per workflow; past it, duplicates are told to come back.
        throw new Problem('checkout-in-progress', undefined, { orderId: input.orderId }, { 'Retry-After': '1' });
      }
      throw error;
    }
  }

  async function view(orderId: string, principal: Principal): Promise<OrderView> {
    let found: OrderView;
    try {
      found = await handle(orderId).query(orderStatusQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new Problem('not-found', `No order ${orderId}.`);
      throw error;
    }
    if (principal.role === 'customer' && found.customerSubject !== principal.subject) throw new Problem('not-found', `No order ${orderId}.`);
    return found;
  }

  /** Why an order that did not carry out a request cannot: read from the order itself once its run has ended. */
  async function explain(orderId: string, principal: Principal, error: unknown): Promise<never> {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && isRefusalCode(cause.type)) throw new Problem(cause.type, cause.message, { orderId });
    // Cancel the rest names the parcel's own refusal.
    if (cause instanceof ApplicationFailure && cause.type === 'parcel-already-handed-over') throw new Problem(cause.type, cause.message, { orderId });
    const current = await view(orderId, principal);
    if (isFinal(current.status) || (await handle(orderId).describe()).status.name !== 'RUNNING') {
      throw new Problem('order-final', `the order is ${current.status}: nothing can change any more`, { orderId, orderStatus: current.status });
    }
    // A step kept failing past its retries; the order is as it was, and the request can be sent again.
    if (cause) throw new Problem('service-unavailable', cause.message, { orderId }, { 'Retry-After': '5' });
    throw error;
  }

  /**
   * Temporal caps the updates in flight per workflow; a burst of refund requests (every agent at
   * once) waits for room a little, rather than failing for a reason that is not the order's.
   */
  async function withUpdateRoom<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(isServiceError(error) && error.code === RESOURCE_EXHAUSTED) || attempt >= UPDATE_ROOM_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * Math.min(attempt, 10)));
      }
    }
  }

  const approval = defaults.refundApproval ?? { threshold: 50_000, deadline: '48 hours' };

  return {
    /**
     * Support asks the order for a refund (the order owns its money). The approval policy is the
     * API's config, never the caller's. Answers the refund as the order reserved it.
     */
    async requestRefund(orderId: string, principal: Principal, request: Omit<RefundRequest, 'approval'>): Promise<RefundSummary> {
      try {
        return await withUpdateRoom(() => handle(orderId).executeUpdate(requestRefundUpdate, { args: [{ ...request, approval: { threshold: approval.threshold, deadline: approval.deadline as Duration } }] }));
      } catch (error) {
        return explain(orderId, principal, error);
      }
    },

    /** Support cancels what has not shipped yet; what was captured for it is refunded under the configured approval policy. */
    async cancelRest(orderId: string, principal: Principal, request: Omit<CancelRestRequest, 'approval'>): Promise<OrderView> {
      try {
        return await withUpdateRoom(() => handle(orderId).executeUpdate(cancelRestUpdate, { args: [{ ...request, approval: { threshold: approval.threshold, deadline: approval.deadline as Duration } }] }));
      } catch (error) {
        return explain(orderId, principal, error);
      }
    },

    /** An admin approves a refund of the order that waits for one: refund-<refundId>'s own update. */
    async approveRefund(orderId: string, refundId: string, principal: Principal, decision: RefundDecision): Promise<RefundView> {
      const refund = temporal.workflow.getHandle(refundWorkflowId(refundId));
      try {
        const view = await refund.query(refundStatusQuery);
        if (view.orderId !== orderId) throw new Problem('not-found', `No refund ${refundId} of order ${orderId}.`);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new Problem('not-found', `No refund ${refundId} of order ${orderId}.`);
        throw error;
      }
      try {
        return await refund.executeUpdate(approveRefundUpdate, { args: [decision] });
      } catch (error) {
        const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
        if (cause instanceof ApplicationFailure && isRefusalCode(cause.type)) throw new Problem(cause.type, cause.message, { orderId, refundId });
        if (error instanceof WorkflowNotFoundError) throw new Problem('refund-not-awaiting-approval', 'the refund has ended', { orderId, refundId });
        throw error;
      }
    },

    /** Checkout: starts the order's workflow, or joins the one already running under the same key. */
    checkOut(request: OrderInput): Promise<CheckoutResult> {
      // The configured return window (ORDER_RETURN_WINDOW, shortened for demos) unless the caller set one.
      // platform/config.ts checked its shape: a number and a unit, as Temporal's durations are written.
      const returnWindow = request.returnWindow ?? (defaults.returnWindow as Duration | undefined);
      const input = returnWindow === undefined ? request : { ...request, returnWindow };
      const key = `${input.orderId}/${input.requestHash}`;
      const existing = running.get(key);
      if (existing) return existing;
      const started = submit(input).finally(() => running.delete(key));
      running.set(key, started);
      return started;
    },

    /** The order as `principal` may see it: a customer only their own, as if no other existed. */
    view,

    /** Asks the order to change (a validated update); answers the order after the change. */
    async request<R extends SupportRequest>(orderId: string, principal: Principal, update: UpdateDefinition<OrderView, [R]>, request: R): Promise<OrderView> {
      if (principal.role === 'customer') await view(orderId, principal);
      try {
        return await handle(orderId).executeUpdate(update, { args: [request] });
      } catch (error) {
        return explain(orderId, principal, error);
      }
    },
  };
}
