import { emailFormat, escapeHtml } from './email-format';
import { emailPayloads, isEmailTemplate, type EmailPayload, type EmailTemplate } from './email-payloads';
import { phrasesFor, type PhraseKey } from './email-phrases';

/** What an email knows of its order, read when it is sent (absent for an email about no order). */
export interface EmailOrder {
  id: string;
  currency: string;
  /** The addressee's name on the shipping address, when it has one. */
  name?: string;
  items: { productName: string; quantity: number; totalAmount: number }[];
}

export interface EmailContext {
  /** BCP 47; see emailLocale. */
  locale: string;
  order?: EmailOrder;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A template that is not known, or a payload it cannot read: sending again would not help. */
export class UnrenderableEmail extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrenderableEmail';
  }
}

/** What a template says, before it is written as text or as HTML (where everything is escaped once, here). */
type Block = { kind: 'paragraph'; text: string } | { kind: 'facts'; rows: [string, string][] } | { kind: 'link'; label: string; url: string };

interface Draft {
  subject: string;
  blocks: Block[];
  /** To our own staff: no thanks for a purchase. */
  internal?: boolean;
}

type Phrase = ReturnType<typeof phrasesFor>;
type Format = ReturnType<typeof emailFormat>;
type Build<T extends EmailTemplate> = (payload: EmailPayload<T>, tools: { t: Phrase; f: Format; order: string; context: EmailContext }) => Draft;

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

const isHttpUrl = (text: string): boolean => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

function parcelBlocks(parcels: EmailPayload<'order-late'>['parcel'][], t: Phrase): Block[] {
  return parcels.flatMap((parcel, index) => {
    const rows: [string, string][] = [];
    if (parcels.length > 1) rows.push([t('parcel', { n: index + 1 }), '']);
    if (parcel.carrier) rows.push([t('carrier'), parcel.carrier]);
    if (parcel.trackingNumber) rows.push([t('trackingNumber'), parcel.trackingNumber]);
    const blocks: Block[] = rows.length > 0 ? [{ kind: 'facts', rows }] : [];
    if (parcel.trackingUrl && isHttpUrl(parcel.trackingUrl)) blocks.push({ kind: 'link', label: t('track'), url: parcel.trackingUrl });
    return blocks;
  });
}

function orderLines(context: EmailContext, f: Format): Block[] {
  const order = context.order;
  if (!order || order.items.length === 0) return [];
  return [{ kind: 'facts', rows: order.items.map((item) => [`${item.quantity} × ${item.productName}`, f.money({ amount: item.totalAmount, currency: order.currency })]) }];
}

const simple =
  (subject: PhraseKey, body: PhraseKey): Build<EmailTemplate> =>
  (_payload, { t, order }) => ({ subject: t(subject, { order }), blocks: [paragraph(t(body))] });

const builders: { [T in EmailTemplate]: Build<T> } = {
  'order-confirmed': ({ total }, { t, f, order, context }) => ({
    subject: t('confirmedSubject', { order }),
    blocks: [paragraph(t('confirmedBody')), ...orderLines(context, f), { kind: 'facts', rows: [[t('total'), f.money(total)]] }],
  }),
  'order-on-hold': ({ total }, { t, f, order }) => ({ subject: t('onHoldSubject', { order }), blocks: [paragraph(t('onHoldBody', { total: f.money(total) }))] }),
  'order-rejected': simple('rejectedSubject', 'rejectedBody'),
  'order-cancelled': simple('cancelledSubject', 'cancelledBody'),
  'order-partially-shipped': ({ parcels }, { t, order }) => ({
    subject: t('partiallyShippedSubject', { order }),
    blocks: [paragraph(t('partiallyShippedBody')), ...parcelBlocks(parcels, t)],
  }),
  'order-shipped': ({ parcels }, { t, order }) => ({ subject: t('shippedSubject', { order }), blocks: [paragraph(t('shippedBody')), ...parcelBlocks(parcels, t)] }),
  'order-late': ({ parcel }, { t, order }) => ({ subject: t('lateSubject', { order }), blocks: [paragraph(t('lateBody')), ...parcelBlocks([parcel], t)] }),
  'order-delivered': simple('deliveredSubject', 'deliveredBody'),
  'refund-issued': ({ amount }, { t, f, order }) => ({
    subject: t('refundIssuedSubject', { order, amount: f.money(amount) }),
    blocks: [paragraph(t('refundIssuedBody')), { kind: 'facts', rows: [[t('amount'), f.money(amount)]] }],
  }),
  'refund-failed': ({ amount }, { t, f, order }) => ({
    subject: t('refundFailedSubject', { order }),
    blocks: [paragraph(t('refundFailedBody', { amount: f.money(amount) }))],
  }),
  'return-label': ({ rmaId, labelUrl, carrier, trackingNumber, returnBy }, { t, f, order }) => {
    const rows: [string, string][] = [[t('returnAuthorisation'), rmaId]];
    if (carrier) rows.push([t('carrier'), carrier]);
    if (trackingNumber) rows.push([t('trackingNumber'), trackingNumber]);
    if (returnBy) rows.push([t('returnBy'), f.date(returnBy)]);
    return { subject: t('returnLabelSubject', { order }), blocks: [paragraph(t('returnLabelBody')), { kind: 'facts', rows }, { kind: 'link', label: t('returnLabelLink'), url: labelUrl }] };
  },
  'back-in-stock': ({ productName, productUrl, price }, { t, f }) => ({
    subject: t('backInStockSubject', { product: productName }),
    blocks: [
      paragraph(t('backInStockBody', { product: productName })),
      ...(price ? [{ kind: 'facts', rows: [[t('price'), f.money(price)]] } as Block] : []),
      ...(productUrl ? [{ kind: 'link', label: t('backInStockLink'), url: productUrl } as Block] : []),
    ],
  }),
  'return-approval-expired': ({ rmaId, orderId }, { t }) => ({
    subject: t('returnExpiredSubject', { rma: rmaId.slice(0, 8).toUpperCase() }),
    internal: true,
    blocks: [paragraph(t('returnExpiredBody')), { kind: 'facts', rows: [[t('returnAuthorisation'), rmaId], [t('order'), orderId]] }],
  }),
  'low-stock': ({ sku, productName, warehouseCode, available, threshold, onHand, reserved }, { t }) => ({
    subject: t('lowStockSubject', { sku, warehouse: warehouseCode }),
    internal: true,
    blocks: [
      paragraph(t('lowStockBody', { product: productName, sku, warehouse: warehouseCode })),
      { kind: 'facts', rows: [[t('available'), String(available)], [t('threshold'), String(threshold)], [t('onHand'), String(onHand)], [t('reserved'), String(reserved)]] },
    ],
  }),
};

/**
 * Writes a queued notification as an email, in text and in HTML, in the context's language and
 * number formatting. Every value from the payload or the order is escaped in the HTML, and
 * links are http(s) only (the payload schemas refuse anything else).
 */
export function renderEmail(template: string, payload: unknown, context: EmailContext): RenderedEmail {
  if (!isEmailTemplate(template)) throw new UnrenderableEmail(`no email template named ${JSON.stringify(template)}`);
  const parsed = emailPayloads[template].safeParse(payload);
  if (!parsed.success) throw new UnrenderableEmail(`the ${template} payload does not match its shape: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const t = phrasesFor(context.locale);
  const f = emailFormat(context.locale);
  const order = context.order ? context.order.id.slice(0, 8).toUpperCase() : '';
  const build = builders[template] as Build<EmailTemplate>;
  const draft = build(parsed.data, { t, f, order, context });
  const greeting = context.order?.name ? t('greeting', { name: context.order.name }) : t('greetingNoName');
  const blocks: Block[] = [paragraph(greeting), ...draft.blocks, ...(draft.internal ? [] : [paragraph(t('signOff'))])];
  if (context.order) blocks.push({ kind: 'facts', rows: [[t('order'), context.order.id]] });
  // A subject is one header line, whatever a payload holds.
  const subject = draft.subject.replace(/[\r\n\t]+/g, ' ').trim();
  return { subject, text: asText(blocks), html: asHtml(subject, blocks, context.locale) };
}

function asText(blocks: Block[]): string {
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return block.text;
      case 'facts':
        return block.rows.map(([label, value]) => (value ? `${label}: ${value}` : label)).join('\n');
      case 'link':
        return `${block.label}: ${block.url}`;
    }
  });
  return `${parts.join('\n\n')}\n`;
}

function asHtml(subject: string, blocks: Block[], locale: string): string {
  const body = blocks
    .map((block) => {
      switch (block.kind) {
        case 'paragraph':
          return `<p>${escapeHtml(block.text)}</p>`;
        case 'facts':
          return `<table role="presentation">${block.rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
        case 'link':
          return `<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.label)}</a></p>`;
      }
    })
    .join('\n');
  return `<!doctype html>\n<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body style="font-family: sans-serif; line-height: 1.5">\n${body}\n</body></html>\n`;
}
