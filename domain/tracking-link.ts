/**
 * The link a customer follows to track a parcel: the carrier's own tracking page for the
 * carriers we know, else a carrier-neutral tracking search (it finds the carrier from the
 * number). Pure, so the order workflow can put it in the shipped email it queues.
 */
const carrierPages: Record<string, (trackingNumber: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  dhlexpress: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=${n}`,
  dhl: (n) => `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${n}`,
};

export const NEUTRAL_TRACKING_PAGE = 'https://parcelsapp.com/en/tracking/';

export function trackingLink(carrier: string, trackingNumber: string): string {
  const number = encodeURIComponent(trackingNumber.trim());
  if (!number) throw new RangeError('a tracking link needs a tracking number');
  const page = carrierPages[carrier.toLowerCase().replace(/[^a-z]/g, '')];
  return page ? page(number) : `${NEUTRAL_TRACKING_PAGE}${number}`;
}
