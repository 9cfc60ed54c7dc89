import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { OrderEventType } from '../../domain/order-state';
import type { Inbox } from './inbox';
import {
  approveRiskUpdate,
  cancelOrderUpdate,
  cancelRestUpdate,
  holdOrderUpdate,
  orderStatusQuery,
  paymentEventSignal,
  rejectRiskUpdate,
  releaseOrderUpdate,
  requestRefundUpdate,
  submitCheckoutUpdate,
  updateShippingAddressUpdate,
  type AddressChangeRequest,
  type OrderInput,
  type OrderView,
  type SupportRequest,
} from './order.messages';
import { parcelReportSignal } from '../shipment/ship-parcel.messages';
import { refundReportSignal } from '../refund/refund-payment.messages';
import { parcelsToCancel } from './cancel-rest';
import { planRefund, receiveRefundReport, refundOfReturn, reserveRefund } from './refunds';
import { receiveReturnReport } from './open-returns';
import { returnReportSignal } from '../returns/process-return.messages';
import type { TrackedOrder } from './tracked-order';

type RequestUpdate = UpdateDefinition<OrderView, [SupportRequest & Partial<AddressChangeRequest>]>;

/** Every update a person sends, and the order event it asks for. */
const requestUpdates: [RequestUpdate, OrderEventType][] = [
  [cancelOrderUpdate, 'cancel'],
  [approveRiskUpdate, 'approveRisk'],
  [rejectRiskUpdate, 'rejectRisk'],
  [holdOrderUpdate, 'hold'],
  [releaseOrderUpdate, 'release'],
  [updateShippingAddressUpdate, 'changeShippingAddress'],
];

/** How the outside reaches the order: a query to look, updates to ask (all through the inbox), a signal for provider facts. */
export function registerOrderHandlers(order: TrackedOrder, inbox: Inbox, input: OrderInput): void {
  setHandler(orderStatusQuery, () => order.snapshot());

  setHandler(
    submitCheckoutUpdate,
    async () => {
      await condition(() => order.result !== undefined);
      return order.result!;
    },
    {
      validator: (requestHash) => {
        if (requestHash !== input.requestHash) {
          throw ApplicationFailure.create({ type: 'request-mismatch', message: 'this Idempotency-Key was used for a different request', nonRetryable: true });
        }
      },
    },
  );

  for (const [definition, event] of requestUpdates) {
    setHandler(
      definition,
      async ({ actor, reason, address }) => {
        await inbox.post({ event, reason, actor, ...(address && { address }) });
        return order.snapshot();
      },
      { validator: (request) => inbox.throwIfRefused(event, request) },
    );
  }

  setHandler(
    requestRefundUpdate,
    async (request) => {
      const asked = refundOfReturn(order, request);
      if (asked) return asked;
      // Reserved before anything awaits: the next request is judged with this one in flight.
      const summary = reserveRefund(order, request);
      try {
        await inbox.postRefund(summary, request);
      } catch (failure) {
        summary.stage = 'refused';
        summary.failureReason = String(failure);
        throw failure;
      }
      return summary;
    },
    { validator: (request) => void (refundOfReturn(order, request) ?? planRefund(order, request)) },
  );
  setHandler(
    cancelRestUpdate,
    async (request) => {
      await inbox.postCancelRest(request);
      return order.snapshot();
    },
    { validator: (request) => void parcelsToCancel(order, request) },
  );
  setHandler(refundReportSignal, (report) => {
    if (receiveRefundReport(order, report)) inbox.refundReport(report);
  });

  setHandler(returnReportSignal, (report) => receiveReturnReport(order, report));

  setHandler(paymentEventSignal, (event) => order.receivePaymentEvent(event));
  setHandler(parcelReportSignal, (report) => inbox.report(report));
}
