// One order's whole life on the running dev stack, through the public HTTP API only, as the people
// would: a customer checks out by card, the warehouse packs and hands over, the carrier moves the
// parcel to delivered, the return window ends and the order closes. With --return N the customer
// sends N units back once delivered: the warehouse receives them and the order refunds them before
// it closes. Prints each step as it happens and a Temporal Web UI link for every workflow the
// order started or caused.
//   npm run -s demo -- [--sku MSH-00001-GRY-M] [--quantity 1] [--return 0] [--step-seconds 4] [--close-within 120] [--deadline 300]
// Fast on a dev stack started as: ORDER_RETURN_WINDOW='30 seconds' scripts/dev.sh
// (the carrier's tracking clock is run at the demo's pace through the carrier sandbox's control API).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { signToken } from '../api/http/tokens';
import { loadConfig } from '../platform/config';
import type { CaptureSummary, OrderView } from '../workflows/order/order.messages';
import type { ParcelView } from '../workflows/shipment/ship-parcel.messages';

const { values: args } = parseArgs({
  options: {
    sku: { type: 'string', default: 'MSH-00001-GRY-M' },
    quantity: { type: 'string', default: '1' },
    // Units the customer returns once the order is delivered (0: none).
    return: { type: 'string', default: '0' },
    // The carrier's clock at demo pace: a parcel that has not moved for this long moves one step.
    'step-seconds': { type: 'string', default: '4' },
    // How long to wait after delivery for the return window to end and the order to close.
    'close-within': { type: 'string', default: '120' },
    // The whole walk, start to closed.
    deadline: { type: 'string', default: '300' },
    'temporal-ui': { type: 'string', default: 'http://127.0.0.1:8233' },
  },
});
const STEP_MS = Number(args['step-seconds']) * 1000;
const CLOSE_WITHIN_MS = Number(args['close-within']) * 1000;
const POLL_MS = 250;

const config = loadConfig();
const API = `http://127.0.0.1:${config.api.port}`;
const CARRIER = config.carrier?.apiBase ?? 'http://127.0.0.1:12115';
const started = Date.now();
const deadline = started + Number(args.deadline) * 1000;

const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
const say = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);
const money = (m: { amount: number; currency: string } | undefined) => (m ? `${(m.amount / 100).toFixed(2)} ${m.currency}` : '-');
const linked = new Set<string>();
/** The Temporal Web UI page of a workflow, printed once per workflow. */
function link(workflowId: string, what: string): void {
  if (linked.has(workflowId)) return;
  linked.add(workflowId);
  say(`  ${what}: ${args['temporal-ui']}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`);
}

class HttpError extends Error {}
async function call<T>(method: string, url: string, bearer?: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { ...(bearer && { authorization: bearer }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
async function ok<T>(method: string, path: string, bearer?: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const answer = await call<T>(method, `${API}${path}`, bearer, body, headers);
  if (answer.status >= 300) throw new HttpError(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Polls `probe` until `done` holds, or fails at the walk's deadline naming what it waited for. */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} (--deadline ${args.deadline} s)`);
    await sleep(POLL_MS);
  }
}

async function main(): Promise<void> {
  const health = await call('GET', `${API}/health`).catch(() => undefined);
  if (health?.status !== 200) throw new Error(`no API at ${API}: start the dev stack first (ORDER_RETURN_WINDOW='30 seconds' scripts/dev.sh)`);
  const runId = `${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}-${randomBytes(2).toString('hex')}`;
  const tokens = { secret: config.auth.jwtSecret, issuer: config.auth.issuer };
  const customer = `Bearer ${await signToken(tokens, { subject: `demo-${runId}`, role: 'customer' })}`;

  say(`customer demo-${runId} fills a cart`);
  const cart = await ok<{ id: string }>('POST', '/carts', customer, {});
  await ok('POST', `/carts/${cart.id}/lines`, customer, { sku: args.sku, quantity: Number(args.quantity) });
  say(`  cart ${cart.id}: ${args.quantity} x ${args.sku}`);

  say('checkout, paying with Stripe test card pm_card_visa (POST /checkout answers once the order is decided)');
  const checkout = await call<{ status: string; orderId: string; totals?: { total: { amount: number; currency: string } } }>('POST', `${API}/checkout`, customer, {
    cartId: cart.id,
    email: `demo-${runId}@example.com`,
    shippingSpeed: 'standard',
    shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' },
  }, { 'idempotency-key': `demo-${runId}` });
  if (checkout.status !== 201) throw new HttpError(`POST /checkout: ${checkout.status} ${JSON.stringify(checkout.body)}`);
  const { orderId } = checkout.body;
  say(`  ${checkout.status} ${checkout.body.status}: order ${orderId}, total ${money(checkout.body.totals?.total)}`);
  link(`order-${orderId}`, 'order workflow');

  const view = () => ok<OrderView>('GET', `/orders/${orderId}`, customer);
  let order = await until('the order to start its parcels', view, (v) => (v.shipments?.length ?? 0) > 0);
  say(`order ${order.status}, payment ${order.payment?.status} ${money(order.payment?.authorized)} (${order.payment?.externalId ?? 'no intent'})`);
  for (const parcel of order.shipments!) {
    say(`  parcel ${parcel.shipmentId} from ${parcel.warehouseCode}: ${parcel.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ')}, ${parcel.stage}`);
    link(`shipment-${parcel.shipmentId}`, 'parcel workflow');
  }

  // The warehouse: each parcel's warehouse has its own token, scoped to it.
  const warehouses = new Map<string, string>();
  for (const code of new Set(order.shipments!.map((p) => p.warehouseCode))) {
    warehouses.set(code, `Bearer ${await signToken(tokens, { subject: `demo-packer-${code}`, role: 'warehouse', warehouseCode: code })}`);
  }
  for (const [code, bearer] of warehouses) {
    const list = await ok<{ orders: Array<{ orderId: string; lines: Array<{ sku: string; productName: string; quantity: number }> }> }>('GET', `/warehouse/${code}/pick-list?limit=200`, bearer);
    const entry = list.orders.find((o) => o.orderId === orderId);
    say(`warehouse ${code} reads its pick list: ${list.orders.length} order(s)${entry ? `, ours: ${entry.lines.map((l) => `${l.quantity} x ${l.sku} (${l.productName})`).join(', ')}` : ' (ours is not among the first 200)'}`);
  }
  for (const parcel of order.shipments!) {
    const bearer = warehouses.get(parcel.warehouseCode)!;
    const base = `/warehouse/${parcel.warehouseCode}/shipments/${parcel.shipmentId}`;
    const packed = await ok<ParcelView>('POST', `${base}/pack`, bearer, { weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } });
    say(`warehouse packs ${parcel.shipmentId} (900 g, 30x20x10 cm): ${packed.stage}, ${packed.carrier} ${packed.service}, tracking ${packed.trackingNumber}, label ${packed.labelUrl}`);
    const handed = await ok<ParcelView>('POST', `${base}/hand-over`, bearer);
    say(`warehouse hands ${parcel.shipmentId} to the carrier: ${handed.stage}, tracking ${handed.tracking ?? '-'}`);
  }

  // From here the order moves on its own: captures, tracking, delivery, the return window.
  // The carrier sandbox's clock moves a parcel a step a minute in dev; the demo moves it at its own
  // pace through the sandbox's control API, as a person trying it would.
  const seen = { status: order.status, payment: '', stages: new Map<string, string>(), tracking: new Map<string, string>(), captures: new Map<string, string>() };
  const lastMove = new Map<string, number>(order.shipments!.map((p) => [p.shipmentId, Date.now()]));
  let deliveredSeenAt: number | undefined;
  for (;;) {
    order = await view();
    if (order.status !== seen.status) {
      say(`order ${seen.status} -> ${order.status}${order.statusReason ? ` (${order.statusReason})` : ''}`);
      seen.status = order.status;
    }
    const payment = `${order.payment?.status} ${money(order.payment?.captured)}`;
    if (order.payment && payment !== seen.payment) {
      if (seen.payment) say(`  payment ${order.payment.status}: captured ${money(order.payment.captured)} of ${money(order.payment.authorized)}`);
      seen.payment = payment;
    }
    for (const capture of order.captures ?? []) reportCapture(capture, seen.captures);
    for (const parcel of order.shipments ?? []) {
      if (seen.stages.get(parcel.shipmentId) !== parcel.stage) {
        say(`  parcel ${parcel.shipmentId}: ${parcel.stage}${parcel.late ? ' (late)' : ''}`);
        seen.stages.set(parcel.shipmentId, parcel.stage);
      }
      if (parcel.stage !== 'handed_over') continue;
      const bearer = warehouses.get(parcel.warehouseCode)!;
      const tracked = await ok<ParcelView>('GET', `/warehouse/${parcel.warehouseCode}/shipments/${parcel.shipmentId}`, bearer);
      const tracking = tracked.tracking ?? 'none yet';
      if (seen.tracking.get(parcel.shipmentId) !== tracking) {
        say(`  parcel ${parcel.shipmentId} tracking: ${tracking}`);
        seen.tracking.set(parcel.shipmentId, tracking);
        lastMove.set(parcel.shipmentId, Date.now());
      } else if (Date.now() - lastMove.get(parcel.shipmentId)! >= STEP_MS) {
        const moved = await call<{ status?: string }>('POST', `${CARRIER}/_sandbox/shipments/shipment-${parcel.shipmentId}/advance`);
        say(`  carrier moves ${parcel.shipmentId} a step (sandbox control API): ${moved.status === 200 ? moved.body.status : `${moved.status} ${JSON.stringify(moved.body)}`}`);
        lastMove.set(parcel.shipmentId, Date.now());
      }
    }
    if (order.status === 'delivered' && deliveredSeenAt === undefined) {
      deliveredSeenAt = Date.now();
      say(`  delivered at ${order.deliveredAt}: the return window runs; the order closes when it ends`);
      if (Number(args.return) > 0) await returnUnits(order, customer, warehouses);
    }
    if (['closed', 'cancelled', 'rejected'].includes(order.status)) break;
    if (deliveredSeenAt !== undefined && Date.now() - deliveredSeenAt > CLOSE_WITHIN_MS) {
      say(`still delivered ${args['close-within']} s after delivery: the API starts orders with a longer return window (30 days unless ORDER_RETURN_WINDOW is set).`);
      say(`Restart the API with a short one to see the order close: ORDER_RETURN_WINDOW='30 seconds' scripts/dev.sh`);
      printLinks();
      process.exitCode = 2;
      return;
    }
    if (Date.now() > deadline) throw new Error(`gave up at ${order.status} (--deadline ${args.deadline} s)`);
    await sleep(POLL_MS);
  }

  const captured = (order.captures ?? []).filter((c) => c.status === 'captured').reduce((sum, c) => sum + c.amount.amount, 0);
  say(`done: order ${order.status}, ${order.shipments?.length ?? 0} parcel(s) ${order.shipments?.map((p) => p.stage).join(', ')}, captured ${money({ amount: captured, currency: order.totals?.total.currency ?? '' })} of ${money(order.totals?.total)} in ${order.captures?.length ?? 0} capture(s)`);
  printLinks();
}

/** The customer returns --return units; support approves if the rules did not; the warehouse receives them; the order refunds them. */
async function returnUnits(order: OrderView, customer: string, warehouses: Map<string, string>): Promise<void> {
  const { orderId } = order;
  const units = Number(args.return);
  say(`customer returns ${units} x ${args.sku} (changed their mind): POST /orders/${orderId}/returns`);
  const asked = await ok<{ rmaId: string; requested: { amount: number } }>('POST', `/orders/${orderId}/returns`, customer, { lines: [{ sku: args.sku, quantity: units }], reasonCode: 'changed-mind' });
  link(`return-${asked.rmaId}`, 'return workflow');
  type Rma = { rmaId: string; status: string; approval: string | null; labelUrl: string | null; trackingNumber: string | null };
  const rma = () => ok<{ returns: Rma[] }>('GET', `/orders/${orderId}`, customer).then((v) => v.returns.find((r) => r.rmaId === asked.rmaId)!);
  // The API's rule (RETURN_AUTO_APPROVE_BELOW): a return worth this much or more waits for support.
  if (asked.requested.amount >= config.returns.autoApproveBelow) {
    const tokens = { secret: config.auth.jwtSecret, issuer: config.auth.issuer };
    const support = `Bearer ${await signToken(tokens, { subject: 'demo-support', role: 'support' })}`;
    await ok('POST', `/support/returns/${asked.rmaId}/approve`, support, { reason: 'demo: approved by support' });
    say(`  above the automatic approval limit: support approves it (POST /support/returns/${asked.rmaId}/approve)`);
  }
  const current = await until('the return label', rma, (r) => r.status === 'label_sent');
  say(`  return ${asked.rmaId} ${current.approval ?? ''} approved, label ${current.labelUrl} (tracking ${current.trackingNumber}), emailed to the customer`);
  const code = order.shipments![0]!.warehouseCode;
  const received = await ok<{ refundAmount: number; refund?: { status: string; refundId?: string; refusal?: string } }>(
    'POST',
    `/warehouse/${code}/returns/${asked.rmaId}/receipt`,
    warehouses.get(code),
    { lines: [{ sku: args.sku, units: Array.from({ length: units }, () => 'restockable') }] },
  );
  say(`warehouse ${code} receives the return, ${units} unit(s) restockable: back on the shelf; the order is asked for the refund: ${received.refund?.status ?? '-'} ${received.refund?.refusal ?? ''}`);
  if (received.refund?.refundId) {
    say(`  refund ${received.refund.refundId}: ${money({ amount: received.refundAmount, currency: order.totals?.total.currency ?? '' })} (price and tax share), through the order`);
    link(`refund-${received.refund.refundId}`, 'refund workflow');
  }
}

function reportCapture(capture: CaptureSummary, seen: Map<string, string>): void {
  if (seen.get(capture.workflowId) === capture.status) return;
  say(`  capture ${capture.workflowId} for ${capture.shipmentId}: ${money(capture.amount)}${capture.finalCapture ? ' (final)' : ''}, ${capture.status}`);
  link(capture.workflowId, 'capture workflow');
  seen.set(capture.workflowId, capture.status);
}

function printLinks(): void {
  process.stdout.write('\nIn the Temporal Web UI:\n');
  for (const id of linked) process.stdout.write(`  ${args['temporal-ui']}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(id)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof HttpError ? error.message : error);
  process.exit(1);
});
