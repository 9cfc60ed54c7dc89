import { ApplicationFailure } from '@temporalio/common';
import type { ShippingCarrier } from './carrier';

/** What shipping gets when no carrier account is configured (no EASYPOST_API_KEY): every call fails for good, saying so. */
export function createUnconfiguredCarrier(): ShippingCarrier {
  const refuse = async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable('no carrier is configured: set EASYPOST_API_KEY (and CARRIER_API_BASE for the sandbox)', 'CarrierNotConfigured');
  };
  return { name: 'unconfigured', verifyAddress: refuse, rateShop: refuse, buyLabel: refuse, voidLabel: refuse, track: refuse, handOver: refuse };
}
