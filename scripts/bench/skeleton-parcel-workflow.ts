import { CancellationScope, condition, defineQuery, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';
import type { ShipParcelInput } from '../../workflows/shipment/ship-parcel.messages';

const statusQuery = defineQuery<string>('parcelStatus');
const packUpdate = defineUpdate<string, [unknown]>('packParcel');
const handOverUpdate = defineUpdate<string, [unknown]>('handOverParcel');
const trackingSignal = defineSignal<[unknown]>('trackingEvent');

/**
 * What a parcel's run costs until the warehouse packs it (the whole of it during a checkout
 * benchmark): the same handlers, the same two deadline timers, then a wait.
 */
export async function skeletonParcel(_input: ShipParcelInput): Promise<void> {
  let stage = 'awaiting_pack';
  setHandler(statusQuery, () => stage);
  setHandler(packUpdate, () => (stage = 'packed'));
  setHandler(handOverUpdate, () => (stage = 'handed_over'));
  setHandler(trackingSignal, () => undefined);
  const deadlines = new CancellationScope();
  void deadlines.run(() => Promise.all([sleep('8 days'), sleep('24 hours')])).catch(() => undefined);
  await condition(() => stage !== 'awaiting_pack');
  deadlines.cancel();
}
