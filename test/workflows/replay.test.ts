import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { testStack } from '../support/test-stack';

/**
 * Histories recorded from real runs (temporal workflow show --output json) replay against the
 * current workflow code: a change that would break running workflows fails CI. Record a new
 * one whenever a workflow gains a path; guard incompatible changes with patched(), and retire a
 * patch (with the histories only it replays) once no run from before it can still be open.
 */
describe('workflow replay of recorded histories', () => {
  const folder = path.join(__dirname, 'histories');
  const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

  it('has histories for every workflow that owns money or stock, and the email sender', () => {
    for (const prefix of ['restock-', 'restock-back-in-stock', 'order-', 'order-rejected-price-changed', 'order-card-authorized-with-payment-events', 'order-card-declined', 'expired-reservation-sweep', 'payment-event-redelivery', 'email-sender', 'capture-partial', 'capture-final', 'capture-authorization-expired', 'shipment-delivered', 'refund-', 'order-refund-', 'return-received', 'return-denied', 'return-approval-expired', 'return-approved-by-support-then-label-unused', 'return-received-refund-asked-of-order']) assert.ok(files.some((f) => f.startsWith(prefix)), `a ${prefix}* history`);
  });

  for (const file of files) {
    it(`replays ${file} without nondeterminism`, async () => {
      const history = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle }, history, `replay-${file}`);
    });
  }
});
