import assert from 'node:assert/strict';
import { ScheduleNotFoundError } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { ensureSchedules, schedules } from '../../platform/temporal/schedules';
import { paymentEventRedeliveryScheduleId } from '../../workflows/housekeeping/redeliver-payment-events.messages';
import { testStack } from '../support/test-stack';

describe('schedules (real Temporal)', () => {
  const client = () => testStack().temporal.client;

  // The dev server is shared by every suite: no scheduled run may sweep under another suite's feet.
  after(async () => {
    for (const { scheduleId } of schedules) {
      const handle = client().schedule.getHandle(scheduleId);
      try {
        const { info } = await handle.describe();
        await handle.delete();
        for (const { action } of info.recentActions) await client().workflow.getHandle(action.workflow.workflowId).terminate('schedule test cleanup').catch(() => undefined);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
  });

  it('creates every schedule once, and later calls bring each back to its definition without unpausing it', async () => {
    assert.deepEqual(
      await ensureSchedules(client()),
      schedules.map(({ scheduleId }) => ({ scheduleId, created: true })),
    );
    const redelivery = client().schedule.getHandle(paymentEventRedeliveryScheduleId);
    await redelivery.pause('ops: looking into it');
    await redelivery.update((previous) => ({ ...previous, spec: { intervals: [{ every: '1 hour' }] } }));

    assert.deepEqual(
      await ensureSchedules(client()),
      schedules.map(({ scheduleId }) => ({ scheduleId, created: false })),
    );

    for (const definition of schedules) {
      const described = await client().schedule.getHandle(definition.scheduleId).describe();
      assert.deepEqual(
        described.spec.intervals?.map((interval) => interval.every),
        definition.spec.intervals?.map((interval) => msToNumber(interval.every)),
        definition.scheduleId,
      );
      assert.equal(described.policies.overlap, 'SKIP');
      assert.equal(described.action.workflowType, definition.action.workflowType);
      assert.equal(described.action.taskQueue, definition.action.taskQueue);
      assert.ok(described.action.staticSummary, `${definition.scheduleId} has a summary for the Temporal UI`);
      assert.equal(described.state.paused, definition.scheduleId === paymentEventRedeliveryScheduleId);
    }
  });
});
