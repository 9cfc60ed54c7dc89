/**
 * Stripe's documented test PaymentMethods and what each does when a PaymentIntent is confirmed
 * with it. Any other pm_ id is unknown, as in Stripe ("No such PaymentMethod").
 */
export type CardBehaviour =
  | { outcome: 'authorizes'; brand: string; last4: string; refunds: 'succeed' | 'fail' }
  | { outcome: 'declines'; brand: string; last4: string; code: string; declineCode: string | null; message: string }
  | { outcome: 'requires_action'; brand: string; last4: string };

const authorizes = (brand: string, last4: string): CardBehaviour => ({ outcome: 'authorizes', brand, last4, refunds: 'succeed' });
const declines = (last4: string, code: string, declineCode: string | null, message: string): CardBehaviour => ({
  outcome: 'declines',
  brand: 'visa',
  last4,
  code,
  declineCode,
  message,
});

export const testPaymentMethods: Readonly<Record<string, CardBehaviour>> = {
  pm_card_visa: authorizes('visa', '4242'),
  pm_card_visa_debit: authorizes('visa', '5556'),
  pm_card_mastercard: authorizes('mastercard', '4444'),
  pm_card_amex: authorizes('amex', '8431'),
  pm_card_refundFail: { outcome: 'authorizes', brand: 'visa', last4: '5126', refunds: 'fail' },
  pm_card_chargeDeclined: declines('0002', 'card_declined', 'generic_decline', 'Your card was declined.'),
  pm_card_chargeDeclinedInsufficientFunds: declines('9995', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  pm_card_chargeDeclinedLostCard: declines('9987', 'card_declined', 'lost_card', 'Your card was declined.'),
  pm_card_chargeDeclinedStolenCard: declines('9979', 'card_declined', 'stolen_card', 'Your card was declined.'),
  pm_card_chargeDeclinedFraudulent: declines('0019', 'card_declined', 'fraudulent', 'Your card was declined.'),
  pm_card_chargeDeclinedExpiredCard: declines('0069', 'expired_card', null, 'Your card has expired.'),
  pm_card_chargeDeclinedIncorrectCvc: declines('0127', 'incorrect_cvc', null, "Your card's security code is incorrect."),
  pm_card_chargeDeclinedProcessingError: declines('0119', 'processing_error', null, 'An error occurred while processing your card. Try again in a little bit.'),
  pm_card_authenticationRequired: { outcome: 'requires_action', brand: 'visa', last4: '3155' },
  pm_card_threeDSecure2Required: { outcome: 'requires_action', brand: 'visa', last4: '3220' },
};
