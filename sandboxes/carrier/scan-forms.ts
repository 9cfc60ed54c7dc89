import { asObject, asText, isoTime, newId, type CarrierContext } from './carrier-context';
import type { CarrierObject } from './carrier-store';
import { EasyPostError, notFound } from './easypost-error';
import { findShipment, type Shipment } from './shipments';
import { startJourney, type Tracker } from './trackers';

export type ScanForm = CarrierObject & { object: 'ScanForm'; tracking_codes: string[]; form_url: string };

/**
 * POST /v2/scan_forms: the manifest a driver scans at pickup. It is the handover: from then on
 * each of its parcels moves along its tracking path on the sandbox's clock.
 */
export function createScanForm(ctx: CarrierContext, body: Record<string, unknown>): ScanForm {
  const given = asObject(body.scan_form).shipments;
  const ids = (Array.isArray(given) ? given : []).map((s) => asText(asObject(s).id) ?? asText(s)).filter((id): id is string => Boolean(id));
  if (ids.length === 0) throw new EasyPostError(422, 'SCAN_FORM.CREATE.FAILURE', 'A scan form needs at least one shipment.');
  const shipments = ids.map((id) => findShipment(ctx, id));
  for (const shipment of shipments) {
    const refusal = !shipment.postage_label ? 'has no postage' : shipment.refund_status ? 'has a refund' : shipment.scan_form ? 'is already on a scan form' : undefined;
    if (refusal) throw new EasyPostError(422, 'SCAN_FORM.CREATE.FAILURE', `Shipment ${shipment.id} ${refusal}.`);
  }
  const at = isoTime(ctx.now());
  const id = newId('sf');
  const form = ctx.store.put<ScanForm>({
    id,
    object: 'ScanForm',
    mode: 'test',
    status: 'created',
    message: null,
    address: shipments[0]!.from_address,
    tracking_codes: shipments.map((s) => s.tracking_code ?? ''),
    form_url: `${ctx.publicUrl}/files/scan_form/${id}.pdf`,
    form_file_type: 'application/pdf',
    batch_id: null,
    confirmation: null,
    created_at: at,
    updated_at: at,
  });
  for (const shipment of shipments) handOver(ctx, shipment, form);
  return form;
}

export function handOver(ctx: CarrierContext, shipment: Shipment, form: ScanForm): void {
  ctx.store.put<Shipment>({ ...shipment, scan_form: form, updated_at: isoTime(ctx.now()) });
  const tracker = shipment.tracker && ctx.store.get<Tracker>(shipment.tracker.id, 'Tracker');
  if (tracker) startJourney(ctx, tracker);
}

export function findScanForm(ctx: CarrierContext, id: string): ScanForm {
  const form = ctx.store.get<ScanForm>(id, 'ScanForm');
  if (!form) throw notFound('ScanForm', id);
  return form;
}
