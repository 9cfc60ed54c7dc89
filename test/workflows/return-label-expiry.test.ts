import assert from 'node:assert/strict';
import { findReturn } from '../../db/returns';
import { returnViewQuery } from '../../workflows/returns/process-return.messages';
import { ReturnStatus } from '../../workflows/shared/search-attributes';
import { eventually } from '../support/eventually';
import { deliveredOrder, returnPolicy, startReturn } from '../support/return-fixtures';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

describe('an unused return label (time-skipping test server, real workers, carrier sandbox)', function () {
  this.timeout(120_000);
  let s: TimeSkippingStack;
  before(async () => {
    s = await startTimeSkippingStack();
  });
  after(() => s?.stop());

  it('is voided at the carrier after the label validity, and the return expires with its units free again', async () => {
    const order = await deliveredOrder(s.db, { quantity: 2 });
    const { rmaId, handle } = await startReturn(s.db, s.env.client, order, { quantity: 2, policy: { ...returnPolicy, labelValidity: '14 days' } });
    await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { what: 'the label sent' });
    const sent = await findReturn(s.db, rmaId);
    assert.equal(sent?.label_voided_at, null);

    await s.skip('13 days');
    assert.equal((await handle.query(returnViewQuery)).status, 'label_sent');
    await s.skip('2 days');
    assert.deepEqual(await handle.result(), { status: 'expired', rmaId, reason: 'label-unused' });

    const expired = await findReturn(s.db, rmaId);
    assert.deepEqual([expired?.status, expired?.expired_reason], ['expired', 'label-unused']);
    assert.ok(expired?.label_voided_at instanceof Date);
    const atCarrier = (await s.sandbox.client().Shipment.retrieve(sent!.carrier_shipment_id!)) as unknown as { refund_status: string | null };
    assert.ok(atCarrier.refund_status === 'submitted' || atCarrier.refund_status === 'refunded', String(atCarrier.refund_status));
    assert.deepEqual((await handle.describe()).typedSearchAttributes.get(ReturnStatus), ['EXPIRED']);
    // An expired return holds no units: the customer may ask again.
    const again = await startReturn(s.db, s.env.client, order, { quantity: 2 });
    await again.handle.terminate('test done');
  });
});
