/**
 * The carrier's own tracking page for the carriers we know, for a label that came without a
 * tracking page of its own (EasyPost's trackers have one); null for any other carrier. Pure, so
 * the order workflow can put it in the shipped email it queues.
 */
const carrierPages: Record<string, (trackingNumber: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  dhlexpress: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=${n}`,
  dhl: (n) => `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${n}`,
};

export function trackingLink(carrier: string, trackingNumber: string): string | null {
  const number = encodeURIComponent(trackingNumber.trim());
  if (!number) throw new RangeError('a tracking link needs a tracking number');
  const page = carrierPages[carrier.toLowerCase().replace(/[^a-z]/g, '')];
  return page ? page(number) : null;
}
