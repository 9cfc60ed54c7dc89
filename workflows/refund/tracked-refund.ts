import { getExternalWorkflowHandle, log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { orderWorkflowId } from '../order/order.messages';
import { OrderId, RefundStatus } from '../shared/search-attributes';
import { refundReportSignal, type RefundEvent, type RefundInput, type RefundStage, type RefundView } from './refund-payment.messages';

/**
 * The refund as its run knows it. `moveTo` is the only way its stage changes: the view, the
 * RefundStatus search attribute, the details ops read in the Temporal UI and the report to the
 * order change together.
 */
export class TrackedRefund {
  readonly view: RefundView;
  readonly events: RefundEvent[] = [];

  constructor(readonly input: RefundInput) {
    this.view = {
      refundId: input.refundId,
      orderId: input.orderId,
      stage: 'requested',
      amount: input.amount,
      shipping: input.shipping,
      lines: input.lines,
      reason: input.reason,
      requestedBy: input.requestedBy.id,
      timeline: [],
    };
  }

  get needsApproval(): boolean {
    return this.input.amount.amount > this.input.approval.threshold;
  }

  note(event: string, detail?: string, actor?: string): void {
    this.view.timeline.push({ at: new Date().toISOString(), event, ...(detail && { detail }), ...(actor && { actor }) });
  }

  async moveTo(stage: RefundStage, detail?: string): Promise<void> {
    this.view.stage = stage;
    this.note(stage, detail);
    upsertSearchAttributes([
      { key: OrderId, value: this.input.orderId },
      { key: RefundStatus, value: stage.toUpperCase() },
    ]);
    const { amount } = this.view;
    setCurrentDetails(`Refund of ${amount.amount} ${amount.currency} (${this.input.reason}) for order ${this.input.orderId}: **${stage}**${detail ? ` (${detail})` : ''}`);
    await this.report();
  }

  /** The order hears every stage; a gone order is logged and noted, and the refund goes on. */
  private async report(): Promise<void> {
    const { refundId, stage, amount, shipping, lines, failureReason } = this.view;
    try {
      await getExternalWorkflowHandle(orderWorkflowId(this.input.orderId)).signal(refundReportSignal, {
        refundId,
        stage,
        amount,
        shipping,
        lines,
        ...(failureReason && { failureReason }),
        at: new Date().toISOString(),
      });
    } catch (error) {
      log.warn('could not report to the order', { refundId, orderId: this.input.orderId, stage, error: String(error) });
      this.note(`could not report ${stage} to the order`);
    }
  }

  receive(event: RefundEvent): void {
    if (this.events.some((e) => e.eventId === event.eventId)) return;
    this.events.push(event);
    this.note(`provider event ${event.type}`, event.status);
  }

  /** The provider's last word on the refund among the events received: succeeded or failed, if it said. */
  providerSays(): RefundEvent | undefined {
    return [...this.events].reverse().find((e) => e.status === 'succeeded' || e.status === 'failed' || e.status === 'canceled');
  }
}
