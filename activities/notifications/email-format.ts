/** How an email formats what it shows, in the reader's locale. */
export interface EmailFormat {
  locale: string;
  /** Minor units in the currency's own digits: 199900 JPY is ¥199,900, 1999 EUR is €19.99. */
  money(amount: { amount: number; currency: string }): string;
  date(isoDate: string): string;
}

export function emailFormat(locale: string): EmailFormat {
  return {
    locale,
    money: ({ amount, currency }) => {
      const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(amount / 10 ** digits);
    },
    date: (isoDate) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(isoDate)),
  };
}

const COUNTRY_LANGUAGE: Record<string, string> = { DE: 'de', AT: 'de', CH: 'de', LI: 'de', FR: 'fr', BE: 'fr', LU: 'fr', MC: 'fr' };

/**
 * The locale of an order's emails: the one stored on the order, else the shipping country's main
 * language there (`de-AT`), else English in that country (`en-GB`), which keeps its number and
 * date conventions. A locale the runtime does not know falls back to `en`.
 */
export function emailLocale(stored: string | null | undefined, country: string | null | undefined): string {
  const region = country && /^[A-Z]{2}$/.test(country) ? country : undefined;
  const candidate = stored ?? (region ? `${COUNTRY_LANGUAGE[region] ?? 'en'}-${region}` : 'en');
  try {
    return Intl.getCanonicalLocales(candidate)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
