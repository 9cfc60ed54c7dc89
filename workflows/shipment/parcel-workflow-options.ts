import { OrderId, ShipmentStatus, WarehouseCode, type SearchAttributeUpdates } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';
import { shipmentWorkflowId, type ShipParcelInput } from './ship-parcel.messages';

/**
 * How a parcel's run starts, as the order starts it (a child) and as tests start it alone: its
 * id, queue, what the Temporal UI shows for it, and the search attributes ops find it by from
 * its first event on.
 */
export function parcelWorkflowOptions(input: ShipParcelInput) {
  const units = input.lines.reduce((sum, line) => sum + line.quantity, 0);
  return {
    workflowId: shipmentWorkflowId(input.shipmentId),
    taskQueue: taskQueues.orders,
    staticSummary: `Parcel ${input.shipmentId} of order ${input.orderId} from ${input.warehouseCode}`,
    staticDetails: `${units} unit(s) of ${input.lines.length} SKU(s), ${input.speed} shipping to ${input.shipTo.city}, ${input.shipTo.country}: pack, label, hand over, track until delivered`,
    typedSearchAttributes: [
      { key: OrderId, value: input.orderId },
      { key: WarehouseCode, value: input.warehouseCode },
      { key: ShipmentStatus, value: 'AWAITING_PACK' },
    ] satisfies SearchAttributeUpdates,
  };
}
