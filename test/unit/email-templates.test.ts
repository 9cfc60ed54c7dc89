import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { emailLocale } from '../../activities/notifications/email-format';
import { emailTemplates, type EmailTemplate } from '../../activities/notifications/email-payloads';
import { renderEmail, UnrenderableEmail, type EmailContext } from '../../activities/notifications/render-email';
import type { BackInStockEmailPayload, LowStockAlertPayload } from '../../domain/stock-notifications';

const hostile = '<script>alert("x")</script> & Co';
const total = { amount: 123456, currency: 'EUR' };
const parcel = { shipmentId: 's-1', carrier: hostile, trackingNumber: '1Z<b>99</b>', trackingUrl: 'https://tracking.example/1Z?a=1&b="2"' };

/** A payload for each template, each carrying markup in a field the email shows. */
const payloads: Record<EmailTemplate, Record<string, unknown>> = {
  'order-confirmed': { total },
  'order-on-hold': { total },
  'order-rejected': { reason: hostile },
  'order-cancelled': { reason: hostile },
  'order-partially-shipped': { shipmentId: 's-1', parcels: [parcel] },
  'order-shipped': { shipmentId: 's-2', parcels: [parcel, { ...parcel, shipmentId: 's-2' }] },
  'order-late': { shipmentId: 's-1', parcel },
  'order-delivered': {},
  'refund-issued': { refundId: 'r-1', amount: { amount: 2500, currency: 'EUR' } },
  'refund-failed': { refundId: 'r-1', amount: { amount: 2500, currency: 'EUR' } },
  'return-label': { rmaId: `RMA-${hostile}`, labelUrl: 'https://labels.example/l.pdf?x=<y>', carrier: 'USPS', trackingNumber: '94001', returnBy: '2027-01-15' },
  'back-in-stock': { sku: 'SKU-1', productName: hostile, productUrl: 'https://shop.example/p/sku-1', price: { amount: 1999, currency: 'USD' }, locale: 'en-US' },
  'return-approval-expired': { rmaId: `RMA-${hostile}`, orderId: 'o-1' },
  'low-stock': { sku: 'SKU-1', productName: hostile, warehouseCode: 'EU-CENTRAL-1', available: 4, threshold: 5, onHand: 9, reserved: 5 },
};

const context = (locale: string): EmailContext => ({
  locale,
  order: { id: '0f0e0d0c-0000-4000-8000-000000000001', currency: 'EUR', name: `Ada ${hostile}`, items: [{ productName: hostile, quantity: 2, totalAmount: 100000 }] },
});

describe('email templates', () => {
  it('has a template for every email the code queues (every `template:` in db/ and workflows/, and the ones queued by refunds, returns and the stock trigger and restock)', () => {
    const root = path.resolve(__dirname, '../..');
    const queued = new Set<string>(['refund-issued', 'refund-failed', 'return-label', 'back-in-stock', 'low-stock']);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []));
    for (const file of ['db', 'workflows', 'activities'].flatMap((dir) => walk(path.join(root, dir)))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/template:\s*((?:'[a-z-]+'(?:\s*\|\s*)?)+)/g)) {
        for (const name of match[1]!.matchAll(/'([a-z-]+)'/g)) queued.add(name[1]!);
      }
      for (const match of readFileSync(file, 'utf8').matchAll(/\?\s*'(order-[a-z-]+)'\s*:\s*'(order-[a-z-]+)'/g)) queued.add(match[1]!).add(match[2]!);
    }
    assert.ok(queued.has('order-confirmed') && queued.has('order-late') && queued.has('order-shipped'), [...queued].join(', '));
    assert.deepEqual([...queued].filter((name) => !emailTemplates.includes(name as EmailTemplate)), []);
  });

  for (const template of emailTemplates) {
    it(`${template} renders text and HTML, with every value escaped in the HTML`, () => {
      for (const locale of ['en-US', 'de-DE']) {
        const email = renderEmail(template, payloads[template], context(locale));
        assert.ok(email.subject.length > 0 && !/[\r\n]/.test(email.subject));
        assert.ok(email.text.trim().length > 0);
        assert.match(email.html, /^<!doctype html>/);
        assert.ok(!email.html.includes('<script>'), email.html);
        assert.ok(!email.html.includes('<b>'), email.html);
        if (email.text.includes(hostile)) assert.ok(email.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co'), email.html);
        assert.ok(email.text.includes('Ada <script>'), 'the text part is plain text, unescaped');
      }
    });
  }

  it('renders the stock notifications exactly as the database queues them, and thanks no one for a purchase in an ops alert', () => {
    const lowStock: LowStockAlertPayload = { sku: 'MSH-1', productId: 'p-1', productName: 'Mesh shirt', warehouseCode: 'EU-CENTRAL-1', warehouseName: 'Central', available: 3, onHand: 8, reserved: 5, threshold: 5, crossing: 2 };
    const alert = renderEmail('low-stock', lowStock, { locale: 'en-US' });
    assert.equal(alert.subject, 'Low stock: MSH-1 in EU-CENTRAL-1');
    assert.ok(alert.text.includes('Available: 3') && alert.text.includes('Threshold: 5'), alert.text);
    assert.ok(!alert.text.includes(renderEmail('order-delivered', {}, { locale: 'en-US' }).text.split('\n\n').at(-1)!.trim()), alert.text);
    const back: BackInStockEmailPayload = { subscriptionId: 's-1', sku: 'MSH-1', attributes: {}, productId: 'p-1', productName: 'Mesh shirt', productSlug: 'mesh-shirt', price: { amount: 1999, currency: 'USD' }, available: 7, warehouseCode: 'EU-CENTRAL-1', receiptId: 'ASN-1' };
    assert.ok(renderEmail('back-in-stock', back, { locale: 'en-US' }).text.includes('$19.99'));
  });

  it('writes in the order\'s language with its currency formatted for the locale', () => {
    const en = renderEmail('order-confirmed', { total }, context('en-US'));
    assert.equal(en.subject, 'Your order 0F0E0D0C is confirmed');
    assert.ok(en.text.includes('Total: €1,234.56'), en.text);
    assert.ok(en.text.includes(`2 × ${hostile}: €1,000.00`), en.text);

    const de = renderEmail('order-confirmed', { total }, context('de-DE'));
    assert.equal(de.subject, 'Ihre Bestellung 0F0E0D0C ist bestätigt');
    assert.ok(de.text.includes('Gesamtbetrag: 1.234,56\u00a0€'), de.text);
    assert.match(de.html, /<html lang="de-DE">/);

    const yen = renderEmail('refund-issued', { amount: { amount: 5000, currency: 'JPY' } }, context('ja-JP'));
    assert.ok(yen.subject.includes('￥5,000'), yen.subject);
    assert.ok(renderEmail('return-label', payloads['return-label'], context('de-DE')).text.includes('15. Januar 2027'));
  });

  it('shows the tracking link of every parcel, and never a link that is not http(s)', () => {
    const shipped = renderEmail('order-shipped', payloads['order-shipped'], context('en-US'));
    assert.equal(shipped.html.match(/href="https:\/\/tracking\.example\/1Z\?a=1&amp;b=&quot;2&quot;"/g)?.length, 2, shipped.html);
    const late = renderEmail('order-late', { shipmentId: 's', parcel: { carrier: 'USPS', trackingUrl: 'javascript:alert(1)' } }, context('en-US'));
    assert.ok(!late.html.includes('javascript:') && !late.text.includes('javascript:'), late.html);
    assert.ok(late.text.includes('Carrier: USPS'));
    assert.throws(() => renderEmail('return-label', { ...payloads['return-label'], labelUrl: 'javascript:alert(1)' }, context('en-US')), UnrenderableEmail);
  });

  it('refuses an unknown template and a payload that does not match its shape', () => {
    assert.throws(() => renderEmail('order-teleported', {}, context('en')), UnrenderableEmail);
    assert.throws(() => renderEmail('order-confirmed', { total: 12 }, context('en')), /total/);
  });

  it('derives the locale from the order, else its shipping country', () => {
    assert.equal(emailLocale('fr-CA', 'DE'), 'fr-CA');
    assert.equal(emailLocale(null, 'AT'), 'de-AT');
    assert.equal(emailLocale(null, 'GB'), 'en-GB');
    assert.equal(emailLocale(null, null), 'en');
  });
});
