import { randomInt } from 'node:crypto';
import { addressFrom, type Address } from './addresses';
import { asNumber, asObject, asText, isTrue, isoTime, newId, type CarrierContext } from './carrier-context';
import type { CarrierObject } from './carrier-store';
import { EasyPostError, invalidParameter, notFound } from './easypost-error';
import { dollars, priceParcel, zoneBetween } from './rate-table';
import { moveTracker, newTracker, type Tracker } from './trackers';

export type Rate = CarrierObject & { object: 'Rate'; carrier: string; service: string; rate: string; currency: string; delivery_days: number; shipment_id: string };
export type Parcel = CarrierObject & { object: 'Parcel'; weight: number; length: number | null; width: number | null; height: number | null };
export type PostageLabel = CarrierObject & { object: 'PostageLabel'; label_url: string };

export type Shipment = CarrierObject & {
  object: 'Shipment';
  reference: string | null;
  to_address: Address;
  from_address: Address;
  parcel: Parcel;
  rates: Rate[];
  selected_rate: Rate | null;
  postage_label: PostageLabel | null;
  tracking_code: string | null;
  tracker: Tracker | null;
  refund_status: 'submitted' | 'refunded' | 'rejected' | null;
  scan_form: CarrierObject | null;
};

/** One label bought, kept for the control API's count per reference. */
export type LabelPurchase = CarrierObject & { object: 'SandboxLabelPurchase'; reference: string | null; shipment_id: string; tracking_code: string; at: string };
/** A refund on its way: it settles (refunded, or rejected for a parcel already handed over) one step later. */
export type PendingRefund = CarrierObject & { object: 'SandboxRefund'; shipment_id: string; due_at: number; settled: boolean };

/** POST /v2/shipments: rates from every carrier and service that takes the parcel there. */
export function createShipment(ctx: CarrierContext, body: Record<string, unknown>): Shipment {
  const params = asObject(body.shipment);
  const to = addressFrom(ctx, params.to_address, 'to_address');
  const from = addressFrom(ctx, params.from_address, 'from_address');
  const given = asObject(params.parcel);
  const weight = asNumber(given.weight);
  if (weight === undefined || weight <= 0) throw invalidParameter('parcel.weight', 'parcel.weight must be a positive number of ounces.');
  const dimension = (name: string) => asNumber(given[name]) ?? null;
  const at = isoTime(ctx.now());
  const parcel = ctx.store.put<Parcel>({ id: newId('prcl'), object: 'Parcel', mode: 'test', weight, length: dimension('length'), width: dimension('width'), height: dimension('height'), predefined_package: null, created_at: at, updated_at: at });
  const id = newId('shp');
  const priced = priceParcel({ weightOz: weight, length: parcel.length ?? undefined, width: parcel.width ?? undefined, height: parcel.height ?? undefined }, zoneBetween(from, to));
  const rates = priced.map(
    (p): Rate => ({
      id: newId('rate'),
      object: 'Rate',
      mode: 'test',
      carrier: p.carrier,
      carrier_account_id: `ca_${p.carrier.toLowerCase()}`,
      service: p.service,
      rate: dollars(p.cents),
      currency: 'USD',
      list_rate: dollars(Math.round(p.cents * 1.1)),
      list_currency: 'USD',
      retail_rate: dollars(Math.round(p.cents * 1.25)),
      retail_currency: 'USD',
      delivery_days: p.days,
      est_delivery_days: p.days,
      delivery_date: null,
      delivery_date_guaranteed: false,
      shipment_id: id,
      created_at: at,
      updated_at: at,
    }),
  );
  return ctx.store.put<Shipment>({
    id,
    object: 'Shipment',
    mode: 'test',
    reference: asText(params.reference) ?? null,
    is_return: isTrue(params.is_return),
    status: 'unknown',
    to_address: to,
    from_address: from,
    return_address: from,
    buyer_address: to,
    parcel,
    options: asObject(params.options),
    rates,
    selected_rate: null,
    postage_label: null,
    tracking_code: null,
    tracker: null,
    refund_status: null,
    scan_form: null,
    insurance: null,
    messages: [],
    fees: [],
    forms: [],
    batch_id: null,
    created_at: at,
    updated_at: at,
  });
}

/** By id, or by the reference given at creation, which EasyPost accepts in place of an id (the latest such shipment). */
export function findShipment(ctx: CarrierContext, idOrReference: string): Shipment {
  const byId = ctx.store.get<Shipment>(idOrReference, 'Shipment');
  const found = byId ?? ctx.store.all<Shipment>('Shipment').filter((s) => s.reference === idOrReference).at(-1);
  if (!found) throw notFound('Shipment', idOrReference);
  return found;
}

/** The shipment as EasyPost shows it: with its tracker as it is now. */
export function renderShipment(ctx: CarrierContext, shipment: Shipment): Shipment {
  const tracker = shipment.tracker ? (ctx.store.get<Tracker>(shipment.tracker.id, 'Tracker') ?? shipment.tracker) : null;
  return { ...shipment, tracker, ...(tracker && { status: tracker.status }) };
}

export function listShipments(ctx: CarrierContext, query: Record<string, unknown>): Record<string, unknown> {
  const reference = asText(query.reference);
  const size = Math.min(asNumber(query.page_size) ?? 20, 100);
  const shipments = ctx.store
    .all<Shipment>('Shipment')
    .filter((s) => !reference || s.reference === reference)
    .reverse()
    .slice(0, size)
    .map((s) => renderShipment(ctx, s));
  return { shipments, has_more: false };
}

/** POST /v2/shipments/:id/buy: postage, a tracking code, a label served by the sandbox, and a tracker. */
export function buyShipment(ctx: CarrierContext, shipment: Shipment, body: Record<string, unknown>): Shipment {
  if (shipment.postage_label) throw new EasyPostError(422, 'SHIPMENT.POSTAGE.EXISTS', 'Postage has already been purchased for this shipment.');
  const rateId = asText(asObject(body.rate).id);
  const rate = shipment.rates.find((candidate) => candidate.id === rateId);
  if (!rate) throw invalidParameter('rate', `Rate ${rateId ?? '(none)'} is not one of this shipment's rates.`);
  const trackingCode = `${rate.carrier === 'SandboxPost' ? '9400' : '1ZSX'}${Array.from({ length: 16 }, () => randomInt(10)).join('')}`;
  const at = isoTime(ctx.now());
  const labelId = newId('pl');
  const postageLabel: PostageLabel = {
    id: labelId,
    object: 'PostageLabel',
    label_url: `${ctx.publicUrl}/files/postage_label/${labelId}.pdf`,
    label_pdf_url: `${ctx.publicUrl}/files/postage_label/${labelId}.pdf`,
    label_file_type: 'application/pdf',
    label_size: '4x6',
    label_resolution: 300,
    label_date: at,
    integrated_form: 'none',
    created_at: at,
    updated_at: at,
  };
  const tracker = newTracker(ctx, { tracking_code: trackingCode, carrier: rate.carrier, shipment_id: shipment.id, weight: shipment.parcel.weight, status: 'pre_transit' });
  ctx.store.put<LabelPurchase>({ id: `purchase_${shipment.id}`, object: 'SandboxLabelPurchase', reference: shipment.reference, shipment_id: shipment.id, tracking_code: trackingCode, at });
  return ctx.store.put<Shipment>({ ...shipment, selected_rate: rate, postage_label: postageLabel, tracking_code: trackingCode, tracker, status: 'pre_transit', updated_at: at });
}

/**
 * POST /v2/shipments/:id/refund: the refund is submitted and settles one step later, refunded, or
 * rejected when the parcel was already handed over. Asking again answers the refund as it stands.
 */
export function refundShipment(ctx: CarrierContext, shipment: Shipment): Shipment {
  if (!shipment.postage_label) throw new EasyPostError(422, 'SHIPMENT.REFUND.UNAVAILABLE', 'This shipment has no postage to refund.');
  if (shipment.refund_status) return shipment;
  ctx.store.put<PendingRefund>({ id: `refund_${shipment.id}`, object: 'SandboxRefund', shipment_id: shipment.id, due_at: ctx.now() + ctx.stepMs, settled: false });
  return ctx.store.put<Shipment>({ ...shipment, refund_status: 'submitted', updated_at: isoTime(ctx.now()) });
}

export function settleDueRefunds(ctx: CarrierContext): void {
  for (const refund of ctx.store.all<PendingRefund>('SandboxRefund')) {
    if (refund.settled || refund.due_at > ctx.now()) continue;
    ctx.store.put<PendingRefund>({ ...refund, settled: true });
    const shipment = ctx.store.get<Shipment>(refund.shipment_id, 'Shipment');
    if (!shipment) continue;
    const refunded = shipment.scan_form === null;
    const settled = ctx.store.put<Shipment>({ ...shipment, refund_status: refunded ? 'refunded' : 'rejected', updated_at: isoTime(ctx.now()) });
    ctx.emit(refunded ? 'refund.successful' : 'shipment.refund.rejected', renderShipment(ctx, settled));
    const tracker = shipment.tracker && ctx.store.get<Tracker>(shipment.tracker.id, 'Tracker');
    if (refunded && tracker) moveTracker(ctx, tracker, 'cancelled');
  }
}

/** How many labels were bought under a reference: what tests assert is exactly one. */
export function labelPurchases(ctx: CarrierContext, reference: string | undefined): LabelPurchase[] {
  return ctx.store.all<LabelPurchase>('SandboxLabelPurchase').filter((p) => reference === undefined || p.reference === reference);
}
