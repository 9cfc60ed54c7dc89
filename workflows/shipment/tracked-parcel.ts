import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Address } from '../../domain/checkout';
import { applyTrackingEvent, isFinalTracking, untracked, type Tracking, type TrackingEvent } from '../../domain/tracking';
import { ShipmentStatus, type SearchAttributeUpdates } from '../shared/search-attributes';
import type { AddressChange, HandOverRequest, PackRequest, ParcelStage, ParcelTracking, ParcelView, ShipParcelInput } from './ship-parcel.messages';

/** The label the parcel holds now: what voiding it names. */
/** What the customer is told of the parcel's label: carrier, tracking number and page. */
export const trackingOf = ({ view }: TrackedParcel): ParcelTracking => ({ carrier: view.carrier, trackingNumber: view.trackingNumber, trackingUrl: view.trackingUrl });

export interface LiveLabel {
  carrierShipmentId: string;
  trackingCode: string;
}

/**
 * The parcel as this run knows it: what the status query shows, what the warehouse asked for
 * and has not been carried out yet, and its tracking under the forward-only rule. `moveTo` is
 * the only way its stage changes, so the view and the search attribute ops query move together.
 */
export class TrackedParcel {
  readonly view: ParcelView;
  tracking: Tracking = untracked;
  /** A pack the main flow has not settled yet (a label bought, or the address refused). */
  packing?: PackRequest;
  handingOver?: HandOverRequest;
  /** Where it goes: the input's address until the order changes it. */
  shipTo: Address;
  /** The last pack carried out: a new address is labelled from its weight and size, with no new pack. */
  lastPacking?: PackRequest;
  /** An address change the main flow has not taken yet (the latest, when several came). */
  newAddress?: AddressChange;
  /** A label is to be bought for a new address from the last packing: reported as relabelled. */
  relabelling = false;
  label?: LiveLabel;
  /** Which label round the parcel is on: it goes up with every label voided for a new address (the carrier reference follows it). */
  labelRound = 1;
  /** Support holds the order's fulfillment: no pack, no handover. */
  held = false;
  /** The order cancelled the parcel and the run is cleaning up. */
  cancelling = false;
  /** Workflow time of the last event heard (applied or not) or poll made: polling waits for quiet after it. */
  lastHeardAt = Date.now();
  /** What the label taught ops (carrier, tracking number) goes out with the next stage: one upsert, one event. */
  private learnt: SearchAttributeUpdates = [];

  constructor(input: ShipParcelInput) {
    this.shipTo = input.shipTo;
    this.view = {
      shipmentId: input.shipmentId,
      orderId: input.orderId,
      warehouseCode: input.warehouseCode,
      stage: 'awaiting_pack',
      lines: input.lines,
      carrier: null,
      service: null,
      trackingNumber: null,
      labelUrl: null,
      trackingUrl: null,
      tracking: null,
      late: false,
      history: [],
    };
  }

  get stage(): ParcelStage {
    return this.view.stage;
  }

  /** The carrier has it, or is taking it: its address and its label can no longer change. */
  get withCarrier(): boolean {
    return this.handingOver !== undefined || ['handed_over', 'delivered', 'failed', 'returned'].includes(this.stage);
  }

  get journeyEnded(): boolean {
    return this.tracking.status !== null && isFinalTracking(this.tracking.status);
  }

  snapshot(): ParcelView {
    return { ...this.view, history: [...this.view.history] };
  }

  note(event: string, detail?: string): void {
    this.view.history.push({ at: new Date().toISOString(), event, ...(detail && { detail }) });
  }

  /** The history names the stage, or the event that led to it (`label voided`). */
  moveTo(stage: ParcelStage, detail?: string, event: string = stage): void {
    this.view.stage = stage;
    this.note(event, detail);
    this.flag(stage.toUpperCase());
  }

  learn(attributes: SearchAttributeUpdates): void {
    this.learnt = attributes;
  }

  /** What ops see in ShipmentStatus: the stage, or a deadline that passed (LABEL_OVERDUE, DELAYED). */
  flag(status: string): void {
    upsertSearchAttributes([...this.learnt, { key: ShipmentStatus, value: status }]);
    this.learnt = [];
  }

  receiveTracking(event: TrackingEvent, source: 'webhook' | 'stored' | 'poll'): void {
    this.lastHeardAt = Date.now();
    const before = this.tracking.status;
    const outcome = applyTrackingEvent(this.tracking, event);
    this.tracking = outcome.tracking;
    if (outcome.applied && outcome.tracking.status !== before) {
      this.view.tracking = outcome.tracking.status;
      this.note(`tracking ${outcome.tracking.status}`, `${source} ${event.eventId}`);
    }
  }
}
