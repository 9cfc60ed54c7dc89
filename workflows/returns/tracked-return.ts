import { ApplicationFailure, condition, currentUpdateInfo, getExternalWorkflowHandle, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { orderWorkflowId } from '../order/order.messages';
import { checkInspection, isReturnFinal, type ReturnStatus as Status } from '../../domain/returns';
import { ReturnStatus } from '../shared/search-attributes';
import {
  decideReturnUpdate,
  receiveReturnUpdate,
  returnReportSignal,
  returnViewQuery,
  type ReceiptOutcome,
  type ReturnDecision,
  type ReturnInput,
  type ReturnReceipt,
  type ReturnView,
} from './process-return.messages';

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

/**
 * The return as its run knows it, and the doors into it: support's decision and the warehouse's
 * receipt are validated updates the main flow takes in turn. `move` is the only place its status
 * changes, with the ReturnStatus search attribute. The order hears when the return opens and
 * when it ended, and does not close in between.
 */
export class TrackedReturn {
  readonly view: ReturnView;
  decision: (ReturnDecision & { updateId: string }) | undefined;
  receipt: ReturnReceipt | undefined;
  outcome: ReceiptOutcome | undefined;
  /** Runs started before returns reported to their order keep their history's shape. */
  private readonly reportsToOrder = patched('return-reports-to-order');
  /** The opening report: the closing one goes out after it, so the order hears them in order. */
  private readonly opened: Promise<void>;

  constructor(readonly input: ReturnInput) {
    this.view = { rmaId: input.rmaId, orderId: input.orderId, status: 'requested', approval: null, warehouseCode: null, trackingNumber: null, returnBy: null };
    setHandler(returnViewQuery, () => this.view);
    setHandler(
      decideReturnUpdate,
      async (decision) => {
        this.decision = { ...decision, updateId: currentUpdateInfo()?.id ?? `${workflowInfo().workflowId}/decision` };
        await condition(() => this.view.status !== 'requested');
        return this.view;
      },
      {
        validator: (decision) => {
          if (this.view.status !== 'requested' || this.decision) refuse('return-not-pending', `the return is ${this.view.status}: nothing to decide`);
          if (!decision.reason.trim()) refuse('reason-required', 'say why the return is approved or denied');
        },
      },
    );
    setHandler(
      receiveReturnUpdate,
      async (receipt) => {
        this.receipt ??= receipt;
        await condition(() => this.outcome !== undefined);
        return this.outcome!;
      },
      {
        validator: (receipt) => {
          if (this.view.status === 'received' || this.receipt) return; // the same parcel posted again: the first outcome answers
          if (this.view.status !== 'label_sent') refuse('return-not-awaiting-receipt', `the return is ${this.view.status}: not awaiting a parcel`);
          if (receipt.warehouseCode !== this.view.warehouseCode) refuse('wrong-warehouse', `the return goes to ${this.view.warehouseCode}`);
          const checked = checkInspection(input.lines, receipt.lines);
          if (!checked.ok) refuse(checked.refusal.code, checked.refusal.message);
        },
      },
    );
    upsertSearchAttributes([{ key: ReturnStatus, value: ['REQUESTED'] }]);
    this.opened = this.tellOrder('requested');
  }

  move(status: Status, changes: Partial<Omit<ReturnView, 'status' | 'rmaId' | 'orderId'>> = {}): void {
    Object.assign(this.view, changes, { status });
    upsertSearchAttributes([{ key: ReturnStatus, value: [status.toUpperCase()] }]);
  }

  /** Tells the order the return ended (after its refund was asked for): the order may close now. */
  async ended(): Promise<void> {
    await this.opened;
    await this.tellOrder(this.view.status);
  }

  /** An order whose run has ended is logged, and the return goes on. */
  private async tellOrder(status: Status): Promise<void> {
    if (!this.reportsToOrder) return;
    const { rmaId, orderId } = this.input;
    try {
      await getExternalWorkflowHandle(orderWorkflowId(orderId)).signal(returnReportSignal, { rmaId, status, at: new Date().toISOString() });
    } catch (error) {
      log.warn('the order did not hear the return', { rmaId, orderId, status, error: String(error) });
    }
  }

  get final(): boolean {
    return isReturnFinal(this.view.status);
  }
}
