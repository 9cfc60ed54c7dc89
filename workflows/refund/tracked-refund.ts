import { getExternalWorkflowHandle, log, metricMeter, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { orderWorkflowId } from '../order/order.messages';
import { OrderId, RefundStatus } from '../shared/search-attributes';
import { refundReportSignal, type RefundEvent, type RefundInput, type RefundStage, type RefundView } from './refund-payment.messages';

const refundsHelp = 'Refunds by the stage that decided them: succeeded, failed, expired (nobody approved in time) or refused (more than refundable)';

/**
 * The stages that decide a refund, counted on the worker's /metrics as `refunds_total{outcome}`.
 * A success the provider fails later (within the failure watch) moves on to failed, so it counts
 * under both: succeeded counts refunds that succeeded at some point, failed every failure.
 */
const decisiveStages: ReadonlySet<RefundStage> = new Set(['succeeded', 'failed', 'expired', 'refused']);

/**
 * The refund as its run knows it. `moveTo` is the only way its stage changes: the view, the
 * RefundStatus search attribute, the details ops read in the Temporal UI, the refunds counter and
 * the report to the order change together.
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
    // The workflow's meter emits nothing while a run replays, so a stage counts once however often its history is replayed.
    if (decisiveStages.has(stage)) metricMeter.createCounter('refunds', undefined, refundsHelp).add(1, { outcome: stage });
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
