/**
 * The payment gateway as the saga sees it. Both calls are idempotent by order id: a repeated
 * charge returns the first answer and never charges twice; a repeated refund changes nothing.
 */
export type ChargeResult = { ok: true; chargeId: string } | { ok: false; reason: string };

/**
 * What a refund left behind: `refunded` (the order had been charged; that money is returned),
 * `voided` (nothing was charged yet; any later charge for the order is declined), or `declined`
 * (the charge had been declined: nothing to give back).
 */
export type RefundResult = { status: 'refunded'; chargeId: string; amountCents: number } | { status: 'voided' } | { status: 'declined' };

export interface PaymentGateway {
  charge(orderId: string, amountCents: number, token: string): Promise<ChargeResult>;
  refund(orderId: string): Promise<RefundResult>;
}

/** How the simulated gateway answers a token: `tok_ok…` pays, `tok_slow` pays but answers late, the rest decline. */
export type TokenBehaviour = { kind: 'pay'; slow: boolean } | { kind: 'decline'; reason: string };

export function tokenBehaviour(token: string): TokenBehaviour {
  if (token.startsWith('tok_ok')) return { kind: 'pay', slow: false };
  if (token === 'tok_slow') return { kind: 'pay', slow: true };
  if (token === 'tok_decline') return { kind: 'decline', reason: 'card_declined' };
  return { kind: 'decline', reason: 'invalid_token' };
}
