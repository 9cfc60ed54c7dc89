/** Every sentence the emails say, per language; `{name}` is filled in (and escaped for HTML) by the renderer. */
const en = {
  greeting: 'Hello {name},',
  greetingNoName: 'Hello,',
  signOff: 'Thank you for shopping with us.',
  order: 'Order',
  total: 'Total',
  carrier: 'Carrier',
  trackingNumber: 'Tracking number',
  track: 'Track your parcel',
  parcel: 'Parcel {n}',
  amount: 'Amount',
  returnAuthorisation: 'Return number',
  returnBy: 'Hand the parcel over by',
  price: 'Price',
  confirmedSubject: 'Your order {order} is confirmed',
  confirmedBody: 'Thank you! We have your order and will write again as soon as it ships.',
  onHoldSubject: 'We are checking your order {order}',
  onHoldBody: 'Your order of {total} needs a short check before we can ship it. You do not need to do anything: we will write again as soon as it is done.',
  rejectedSubject: 'We could not accept your order {order}',
  rejectedBody: 'We are sorry: we could not accept your order. Nothing was charged, and any hold on your card is released.',
  cancelledSubject: 'Your order {order} is cancelled',
  cancelledBody: 'Your order was cancelled. Nothing was charged, and any hold on your card is released.',
  partiallyShippedSubject: 'Part of your order {order} is on its way',
  partiallyShippedBody: 'Part of your order has left our warehouse. The rest follows in its own parcel.',
  shippedSubject: 'Your order {order} is on its way',
  shippedBody: 'Everything in your order has left our warehouse.',
  lateSubject: 'A parcel of your order {order} is running late',
  lateBody: 'We are sorry: a parcel of your order is taking longer than we promised. It is still on its way, and we are keeping an eye on it.',
  deliveredSubject: 'Your order {order} has been delivered',
  deliveredBody: 'Your order has arrived. We hope you enjoy it.',
  refundIssuedSubject: 'We have refunded {amount} for your order {order}',
  refundIssuedBody: 'We have sent the refund to your original payment method. It can take 5 to 10 business days to appear on your statement.',
  refundFailedSubject: 'Your refund for order {order} could not be completed',
  refundFailedBody: 'We could not refund {amount} to your original payment method. Our support team will contact you to arrange it another way.',
  returnLabelSubject: 'Your return label for order {order}',
  returnLabelBody: 'Your return is approved. Print the label, stick it on the parcel and hand it to the carrier.',
  returnLabelLink: 'Download your return label',
  backInStockSubject: '{product} is back in stock',
  backInStockBody: 'Good news: {product} is available again. Stock is limited, so do not wait too long.',
  backInStockLink: 'See the product',
};

export type PhraseKey = keyof typeof en;

const de: Record<PhraseKey, string> = {
  greeting: 'Hallo {name},',
  greetingNoName: 'Hallo,',
  signOff: 'Vielen Dank für Ihren Einkauf.',
  order: 'Bestellung',
  total: 'Gesamtbetrag',
  carrier: 'Versanddienst',
  trackingNumber: 'Sendungsnummer',
  track: 'Sendung verfolgen',
  parcel: 'Paket {n}',
  amount: 'Betrag',
  returnAuthorisation: 'Rücksendenummer',
  returnBy: 'Bitte abgeben bis',
  price: 'Preis',
  confirmedSubject: 'Ihre Bestellung {order} ist bestätigt',
  confirmedBody: 'Vielen Dank! Wir haben Ihre Bestellung erhalten und melden uns, sobald sie versandt wird.',
  onHoldSubject: 'Wir prüfen Ihre Bestellung {order}',
  onHoldBody: 'Ihre Bestellung über {total} muss kurz geprüft werden, bevor wir sie versenden. Sie müssen nichts tun: Wir melden uns, sobald die Prüfung abgeschlossen ist.',
  rejectedSubject: 'Wir konnten Ihre Bestellung {order} nicht annehmen',
  rejectedBody: 'Es tut uns leid: Wir konnten Ihre Bestellung nicht annehmen. Es wurde nichts belastet, und eine Reservierung auf Ihrer Karte wird freigegeben.',
  cancelledSubject: 'Ihre Bestellung {order} wurde storniert',
  cancelledBody: 'Ihre Bestellung wurde storniert. Es wurde nichts belastet, und eine Reservierung auf Ihrer Karte wird freigegeben.',
  partiallyShippedSubject: 'Ein Teil Ihrer Bestellung {order} ist unterwegs',
  partiallyShippedBody: 'Ein Teil Ihrer Bestellung hat unser Lager verlassen. Der Rest folgt in einem eigenen Paket.',
  shippedSubject: 'Ihre Bestellung {order} ist unterwegs',
  shippedBody: 'Ihre gesamte Bestellung hat unser Lager verlassen.',
  lateSubject: 'Ein Paket Ihrer Bestellung {order} verspätet sich',
  lateBody: 'Es tut uns leid: Ein Paket Ihrer Bestellung braucht länger als versprochen. Es ist weiterhin unterwegs, und wir behalten es im Blick.',
  deliveredSubject: 'Ihre Bestellung {order} wurde zugestellt',
  deliveredBody: 'Ihre Bestellung ist angekommen. Viel Freude damit!',
  refundIssuedSubject: 'Wir haben {amount} für Ihre Bestellung {order} erstattet',
  refundIssuedBody: 'Die Erstattung geht an Ihre ursprüngliche Zahlungsart. Es kann 5 bis 10 Werktage dauern, bis sie auf Ihrem Konto erscheint.',
  refundFailedSubject: 'Die Erstattung für Ihre Bestellung {order} ist fehlgeschlagen',
  refundFailedBody: 'Wir konnten {amount} nicht an Ihre ursprüngliche Zahlungsart erstatten. Unser Kundenservice meldet sich bei Ihnen, um eine andere Lösung zu finden.',
  returnLabelSubject: 'Ihr Rücksendeetikett für Bestellung {order}',
  returnLabelBody: 'Ihre Rücksendung ist genehmigt. Drucken Sie das Etikett aus, kleben Sie es auf das Paket und geben Sie es beim Versanddienst ab.',
  returnLabelLink: 'Rücksendeetikett herunterladen',
  backInStockSubject: '{product} ist wieder verfügbar',
  backInStockBody: 'Gute Nachricht: {product} ist wieder verfügbar. Der Bestand ist begrenzt, warten Sie also nicht zu lange.',
  backInStockLink: 'Zum Produkt',
};

const phrasebooks: Record<string, Record<PhraseKey, string>> = { en, de };

/** The phrases of the locale's language; a language without its own phrasebook reads English. */
export function phrasesFor(locale: string): (key: PhraseKey, values?: Record<string, string | number>) => string {
  const language = locale.split('-')[0]!.toLowerCase();
  const book = phrasebooks[language] ?? en;
  return (key, values = {}) => book[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export const phraseLanguages = Object.keys(phrasebooks);
