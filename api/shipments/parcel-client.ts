import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { Problem } from '../http/problem';
import {
  handOverParcelUpdate,
  isParcelRefusalCode,
  packParcelUpdate,
  parcelStatusQuery,
  shipmentWorkflowId,
  type HandOverRequest,
  type PackRequest,
  type ParcelView,
} from '../../workflows/shipment/ship-parcel.messages';

/**
 * The one way the API talks to parcel workflows (shipment-<id>): the view and the warehouse's
 * updates, with the parcel's refusals as typed problems. A parcel of another warehouse is a 404,
 * as if it did not exist: a warehouse sees only its own parcels.
 */
export function createParcelClient(temporal: Client) {
  const handle = (shipmentId: string) => temporal.workflow.getHandle(shipmentWorkflowId(shipmentId));

  async function view(shipmentId: string, warehouseCode: string): Promise<ParcelView> {
    let found: ParcelView;
    try {
      found = await handle(shipmentId).query(parcelStatusQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new Problem('not-found', `No shipment ${shipmentId} at ${warehouseCode}.`);
      throw error;
    }
    if (found.warehouseCode !== warehouseCode) throw new Problem('not-found', `No shipment ${shipmentId} at ${warehouseCode}.`);
    return found;
  }

  /**
   * The update goes first: the parcel's validator refuses another warehouse's actor before
   * anything else, so the view is asked only to word a refusal (with the parcel's stage) or to
   * tell a parcel that does not exist from one whose run has ended. A successful request costs
   * the parcel no query.
   */
  async function request<R>(shipmentId: string, warehouseCode: string, update: UpdateDefinition<ParcelView, [R]>, body: R): Promise<ParcelView> {
    try {
      return await handle(shipmentId).executeUpdate(update, { args: [body] });
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      const refused = cause instanceof ApplicationFailure && isParcelRefusalCode(cause.type) ? { code: cause.type, message: cause.message } : undefined;
      // The run has ended (an update to a closed workflow is "not found"): its journey is over.
      if (!refused && !(error instanceof WorkflowNotFoundError)) throw error;
      // Another warehouse's parcel: a 404, as if it did not exist (as the view says of it).
      if (refused?.code === 'wrong-warehouse') throw new Problem('not-found', `No shipment ${shipmentId} at ${warehouseCode}.`);
      const current = await view(shipmentId, warehouseCode);
      if (!refused) throw new Problem('parcel-final', `the parcel is ${current.stage}`, { shipmentId, stage: current.stage });
      throw new Problem(refused.code, refused.message, { shipmentId, stage: current.stage });
    }
  }

  return {
    view,
    pack: (shipmentId: string, warehouseCode: string, body: PackRequest) => request(shipmentId, warehouseCode, packParcelUpdate, body),
    handOver: (shipmentId: string, warehouseCode: string, body: HandOverRequest) => request(shipmentId, warehouseCode, handOverParcelUpdate, body),
  };
}

export type ParcelClient = ReturnType<typeof createParcelClient>;
