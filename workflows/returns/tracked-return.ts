import { ApplicationFailure, condition, currentUpdateInfo, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { checkInspection, isReturnFinal, type ReturnStatus as Status } from '../../domain/returns';
import { ReturnStatus } from '../shared/search-attributes';
import {
  decideReturnUpdate,
  receiveReturnUpdate,
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
 * changes, with the ReturnStatus search attribute.
 */
export class TrackedReturn {
  readonly view: ReturnView;
  decision: (ReturnDecision & { updateId: string }) | undefined;
  receipt: ReturnReceipt | undefined;
  outcome: ReceiptOutcome | undefined;
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
  }

  move(status: Status, changes: Partial<Omit<ReturnView, 'status' | 'rmaId' | 'orderId'>> = {}): void {
    Object.assign(this.view, changes, { status });
    upsertSearchAttributes([{ key: ReturnStatus, value: [status.toUpperCase()] }]);
  }

  get final(): boolean {
    return isReturnFinal(this.view.status);
  }
}
