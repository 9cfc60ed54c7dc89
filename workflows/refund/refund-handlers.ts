import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { approveRefundUpdate, refundEventSignal, refundStatusQuery, type RefundDecision } from './refund-payment.messages';
import type { TrackedRefund } from './tracked-refund';

const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** The query, the admin's approval (validated: four eyes, admins only, only while it waits) and the provider's events. */
export function registerRefundHandlers(refund: TrackedRefund, approved: (decision: RefundDecision) => void): void {
  setHandler(refundStatusQuery, () => refund.view);
  setHandler(
    approveRefundUpdate,
    (decision) => {
      approved(decision);
      return refund.view;
    },
    {
      validator: ({ actor, reason }) => {
        if (refund.view.stage !== 'awaiting_approval' || refund.view.approvedBy) {
          throw refuse('refund-not-awaiting-approval', `the refund is ${refund.view.stage}${refund.view.approvedBy ? `, approved by ${refund.view.approvedBy}` : ''}`);
        }
        if (actor.role !== 'admin') throw refuse('not-an-admin', `a refund above ${refund.input.approval.threshold} needs an admin`);
        if (actor.id === refund.input.requestedBy.id) throw refuse('self-approval', 'the agent who asked for the refund cannot approve it');
        if (!reason.trim()) throw refuse('reason-required', 'say why the refund is approved');
      },
    },
  );
  setHandler(refundEventSignal, (event) => refund.receive(event));
}
