import assert from 'node:assert/strict';
import { redeliverPaymentEventsWorkflowType, type RedeliverPaymentEventsWorkflow } from '../../workflows/housekeeping/redeliver-payment-events.messages';
import { redeliverPaymentEvents } from '../../workflows/housekeeping/redeliver-payment-events';
import { releaseExpiredReservationsWorkflowType, type ReleaseExpiredReservationsWorkflow } from '../../workflows/housekeeping/release-expired-reservations.messages';
import { releaseExpiredReservations } from '../../workflows/housekeeping/release-expired-reservations';
import { restockWorkflowType, type RestockWorkflow } from '../../workflows/inventory/restock.messages';
import { restock } from '../../workflows/inventory/restock';
import { captureOrderPaymentWorkflowType, type CaptureOrderPaymentWorkflow } from '../../workflows/payment/capture-order-payment.messages';
import { captureOrderPayment } from '../../workflows/payment/capture-order-payment';
import { processOrderWorkflowType, type ProcessOrderWorkflow } from '../../workflows/order/order.messages';
import { processOrder } from '../../workflows/order/process-order';
import { catchUpOrderIndexWorkflowType, type CatchUpOrderIndexWorkflow } from '../../workflows/search/catch-up-order-index.messages';
import { catchUpOrderIndex } from '../../workflows/search/catch-up-order-index';
import { catchUpSearchIndexWorkflowType, type CatchUpSearchIndexWorkflow } from '../../workflows/search/catch-up-search-index.messages';
import { catchUpSearchIndex } from '../../workflows/search/catch-up-search-index';
import { syncProductSearchWorkflowType, type SyncProductSearchWorkflow } from '../../workflows/search/sync-product-search.messages';
import { syncProductSearch } from '../../workflows/search/sync-product-search';
import { shipParcelWorkflowType, type ShipParcelWorkflow } from '../../workflows/shipment/ship-parcel.messages';
import { shipParcel } from '../../workflows/shipment/ship-parcel';
import { sendPendingEmailsWorkflowType, type SendPendingEmailsWorkflow } from '../../workflows/notifications/send-pending-emails.messages';
import { sendPendingEmails } from '../../workflows/notifications/send-pending-emails';
import { refundWorkflowType, type RefundPaymentWorkflow } from '../../workflows/refund/refund-payment.messages';
import { refundPayment } from '../../workflows/refund/refund-payment';
import { processReturnWorkflowType, type ProcessReturnWorkflow } from '../../workflows/returns/process-return.messages';
import { processReturn } from '../../workflows/returns/process-return';
import * as registered from '../../workflows';

/**
 * Message files describe their workflow without importing it (the API imports them), so each
 * description is checked against the workflow here: the signature at compile time (each
 * assignment below fails tsc when they drift) and the type name, which is what Temporal
 * dispatches on, at run time.
 */
describe('workflow message files match their workflows', () => {
  const described: [string, (...args: never[]) => unknown][] = [
    [processOrderWorkflowType, processOrder satisfies ProcessOrderWorkflow],
    [restockWorkflowType, restock satisfies RestockWorkflow],
    [captureOrderPaymentWorkflowType, captureOrderPayment satisfies CaptureOrderPaymentWorkflow],
    [catchUpSearchIndexWorkflowType, catchUpSearchIndex satisfies CatchUpSearchIndexWorkflow],
    [catchUpOrderIndexWorkflowType, catchUpOrderIndex satisfies CatchUpOrderIndexWorkflow],
    [syncProductSearchWorkflowType, syncProductSearch satisfies SyncProductSearchWorkflow],
    [redeliverPaymentEventsWorkflowType, redeliverPaymentEvents satisfies RedeliverPaymentEventsWorkflow],
    [releaseExpiredReservationsWorkflowType, releaseExpiredReservations satisfies ReleaseExpiredReservationsWorkflow],
    [shipParcelWorkflowType, shipParcel satisfies ShipParcelWorkflow],
    [sendPendingEmailsWorkflowType, sendPendingEmails satisfies SendPendingEmailsWorkflow],
    [refundWorkflowType, refundPayment satisfies RefundPaymentWorkflow],
    [processReturnWorkflowType, processReturn satisfies ProcessReturnWorkflow],
  ];

  for (const [type, workflow] of described) {
    it(`${type} is the name the worker registers`, () => {
      assert.equal(workflow.name, type);
      assert.equal((registered as Record<string, unknown>)[type], workflow);
    });
  }

  it('describes every registered workflow', () => {
    assert.deepEqual(Object.keys(registered).sort(), described.map(([type]) => type).sort());
  });
});
