import { ApplicationFailure, condition, currentUpdateInfo, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { refusesRequester, transition, type OrderEventType, type OrderState, type Refusal } from '../../domain/order-state';
import type { Address } from '../../domain/checkout';
import type { ParcelReport } from '../shipment/ship-parcel.messages';
import type { RefundReport } from '../refund/refund-payment.messages';
import type { Actor, CancelRestRequest, RefundRequest, RefundSummary } from './order.messages';
import type { TrackedOrder } from './tracked-order';

/** A request for the main flow: from support or the customer (an update), or from the workflow itself (a deadline). */
export interface RequestEntry {
  kind: 'request';
  event: OrderEventType;
  reason: string;
  /** Absent when the workflow asks itself (a deadline that passed). */
  actor?: Actor;
  address?: Address;
  /** The update's id: the audit row's key, so a retried update is recorded once. */
  requestId: string;
}

/** A fact a parcel reports: it is not asked for and never refused, only carried out in its turn. */
export interface ReportEntry {
  kind: 'report';
  report: ParcelReport;
}

/** A deadline the order set itself that moves no status (the authorization's): carried out in its turn, never refused. */
export interface DeadlineEntry {
  kind: 'deadline';
  deadline: 'authorization-expiry';
}

/** A refund support asked for: its amount was reserved when the update was accepted; carrying it out starts refund-<id>. */
export interface RefundEntry {
  kind: 'refund';
  summary: RefundSummary;
  request: RefundRequest;
  requestId: string;
}

/** A refund's stage changed: a fact, carried out in its turn (the status, the search attribute). */
export interface RefundReportEntry {
  kind: 'refund-report';
  report: RefundReport;
}

/** Support cancels what has not shipped yet: judged again in its turn (a parcel may have been handed over since). */
export interface CancelRestEntry {
  kind: 'cancel-rest';
  request: CancelRestRequest;
  requestId: string;
}

export type InboxEntry = RequestEntry | ReportEntry | DeadlineEntry | RefundEntry | RefundReportEntry | CancelRestEntry;
export type CarryOut = (entry: InboxEntry) => Promise<void>;

type Queued = InboxEntry & { settle: (failure?: unknown) => void };

/** A refusal as the typed failure an update fails with; the API maps its type to a problem type. */
export const refusedFailure = (refusal: Refusal): ApplicationFailure =>
  ApplicationFailure.create({ type: refusal.code, message: refusal.message, nonRetryable: true });

/**
 * Every request that changes the order reaches the main flow here, one pattern for all: the
 * update's validator judges it against the order as it will be once everything accepted before
 * it is done, the handler queues it, and the main flow carries requests out one at a time, in
 * the order they came. So two agents approving the same held order at once get one approval
 * and one refusal, never an approval taken for something else.
 */
export class Inbox {
  private readonly queue: Queued[] = [];

  constructor(private readonly order: TrackedOrder) {}

  get isEmpty(): boolean {
    return this.queue.length === 0;
  }

  /** For an update's validator (which must not change anything): throws the typed refusal, if any. */
  throwIfRefused(event: OrderEventType, request: { actor: Actor; reason: string }): void {
    const refusal = refusesRequester(event, request) ?? refusalOf(event, this.projected());
    if (refusal) throw refusedFailure(refusal);
  }

  /** Queues a request; settles when it was carried out, or with a refusal if the order moved on first. */
  post(entry: Omit<RequestEntry, 'kind' | 'requestId'>): Promise<void> {
    const requestId = currentUpdateInfo()?.id ?? `${workflowInfo().workflowId}/${entry.event}/${this.order.view.timeline.length}`;
    return new Promise((resolve, reject) => {
      this.queue.push({ ...entry, kind: 'request', requestId, settle: (failure) => (failure === undefined ? resolve() : reject(failure)) });
    });
  }

  /** Queues a refund whose amount the handler reserved; settles once refund-<id> started. */
  postRefund(summary: RefundSummary, request: RefundRequest): Promise<void> {
    const requestId = currentUpdateInfo()?.id ?? `${workflowInfo().workflowId}/refund/${summary.refundId}`;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'refund', summary, request, requestId, settle: (failure) => (failure === undefined ? resolve() : reject(failure)) });
    });
  }

  /** Queues a cancel-the-rest; settles once it was carried out, or with its refusal. */
  postCancelRest(request: CancelRestRequest): Promise<void> {
    const requestId = currentUpdateInfo()?.id ?? `${workflowInfo().workflowId}/cancel-rest/${this.order.view.timeline.length}`;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'cancel-rest', request, requestId, settle: (failure) => (failure === undefined ? resolve() : reject(failure)) });
    });
  }

  /** Queues a refund's report, in the order the refunds sent them. */
  refundReport(report: RefundReport): void {
    this.queue.push({ kind: 'refund-report', report, settle: () => undefined });
  }

  /** Queues a parcel's report, in the order the parcels sent them. */
  report(report: ParcelReport): void {
    this.queue.push({ kind: 'report', report, settle: () => undefined });
  }

  /** Queues a deadline that passed, behind everything that arrived before it. */
  deadline(deadline: DeadlineEntry['deadline']): void {
    this.queue.push({ kind: 'deadline', deadline, settle: () => undefined });
  }

  /** Carries out requests in arrival order until `done()` holds; requests still queued then wait for the next phase. */
  async serveUntil(done: () => boolean, carryOut: CarryOut): Promise<void> {
    for (;;) {
      await condition(() => done() || this.queue.length > 0);
      if (done()) return;
      const { settle, ...entry } = this.queue.shift()!;
      const refusal = entry.kind === 'request' ? refusalOf(entry.event, this.order.state) : undefined;
      if (refusal) {
        settle(refusedFailure(refusal));
        continue;
      }
      try {
        await carryOut(entry);
        settle();
      } catch (failure) {
        if (!(failure instanceof TemporalFailure)) throw failure; // a bug: fail the task, not the request
        // The requester learns the step failed past its retries; the order stays as it was and can be asked again.
        settle(failure);
      }
    }
  }

  /** When the run ends, whatever is still queued is refused with the order's final reason. */
  refuseRemaining(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (next.kind === 'cancel-rest') next.settle(refusedFailure({ code: 'order-final', message: `the order is ${this.order.status}` }));
      if (next.kind === 'refund') next.settle(refusedFailure({ code: 'order-final', message: `the order is ${this.order.status}: the refund was not started` }));
      if (next.kind !== 'request') continue;
      next.settle(refusedFailure(refusalOf(next.event, this.order.state) ?? { code: 'order-final', message: `the order is ${this.order.status}` }));
    }
  }

  /** The order once every queued request is carried out: what a new request is judged against. */
  private projected(): OrderState {
    return this.queue.reduce((state, entry) => {
      if (entry.kind !== 'request') return state;
      const next = transition(state, { type: entry.event });
      return next.ok ? next.state : state;
    }, this.order.state);
  }
}

function refusalOf(event: OrderEventType, state: OrderState): Refusal | undefined {
  const next = transition(state, { type: event });
  return next.ok ? undefined : next.refusal;
}
