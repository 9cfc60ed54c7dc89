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
