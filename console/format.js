// How the console writes money, times and the API's names for people.

const fractionDigits = (currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;

/** Minor units (the API's integers) in the currency's own notation. */
export function money(value) {
  if (!value) return '—';
  const digits = fractionDigits(value.currency);
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: value.currency }).format(value.amount / 10 ** digits);
}

export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `approveRisk`, `on_hold`, `order-late` → "approve risk", "on hold", "order late". */
export function words(name) {
  return String(name ?? '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/** How many digits a currency writes after its decimal point (2 for USD, 0 for JPY). */
export const minorDigits = fractionDigits;

/**
 * "12.30" in USD → 1230, read from the digits as written (never through a float, so 0.29 is 29,
 * not 28.999…). Null when the text is not a positive amount with at most the currency's digits.
 */
export function toMinorUnits(text, currency) {
  const digits = fractionDigits(currency);
  const match = /^(\d{1,12})(?:[.,](\d*))?$/.exec(String(text).trim());
  if (!match || (match[2] ?? '').length > digits) return null;
  const minor = Number(`${match[1]}${(match[2] ?? '').padEnd(digits, '0')}`);
  return minor > 0 ? minor : null;
}
