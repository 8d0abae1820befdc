import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { tokenBehaviour, type ChargeResult, type PaymentGateway, type RefundResult } from './gateway';

export interface SimulatedGatewayOptions {
  /** How late a `tok_slow` charge answers (PAYMENT_SLOW_MS). */
  slowMs: number;
}

type LedgerRow = { status: 'charged' | 'declined' | 'refunded' | 'voided'; charge_id: string; amount_cents: number };

const newChargeId = () => `ch_${randomBytes(12).toString('hex')}`;

/**
 * The payment gateway inside the project. Its ledger is `gateway_charges`, one row per order,
 * so the primary key makes every charge idempotent: whoever inserts first decides the answer, and
 * a refund that comes before any charge leaves a `voided` row that declines the late charge.
 * A `tok_slow` charge is taken at once and answered after `slowMs` — the case a caller that gave
 * up waiting must compensate (see server/saga/jobs.ts).
 */
export class SimulatedGateway implements PaymentGateway {
  constructor(
    private sql: postgres.Sql,
    private opts: SimulatedGatewayOptions,
  ) {}

  async charge(orderId: string, amountCents: number, token: string): Promise<ChargeResult> {
    const behaviour = tokenBehaviour(token);
    const status = behaviour.kind === 'pay' ? 'charged' : 'declined';
    const [inserted] = await this.sql<LedgerRow[]>`
      INSERT INTO gateway_charges (order_id, amount_cents, status, charge_id, charged_at)
      VALUES (${orderId}, ${amountCents}, ${status}, ${behaviour.kind === 'pay' ? newChargeId() : ''}, now())
      ON CONFLICT (order_id) DO NOTHING
      RETURNING status, charge_id, amount_cents`;
    const row =
      inserted ?? (await this.sql<LedgerRow[]>`SELECT status, charge_id, amount_cents FROM gateway_charges WHERE order_id = ${orderId}`)[0];
    if (!row) throw new Error(`gateway: the ledger row of order ${orderId} vanished`);
    if (behaviour.kind === 'pay' && behaviour.slow) await delay(this.opts.slowMs);
    switch (row.status) {
      case 'charged':
      case 'refunded':
        return { ok: true, chargeId: row.charge_id }; // the first answer, even if refunded since
      case 'declined':
        return { ok: false, reason: behaviour.kind === 'decline' ? behaviour.reason : 'card_declined' };
      case 'voided':
        return { ok: false, reason: 'voided' };
    }
  }

  async refund(orderId: string): Promise<RefundResult> {
    return this.sql.begin(async (tx) => {
      const [voided] = await tx<LedgerRow[]>`
        INSERT INTO gateway_charges (order_id, amount_cents, status, charge_id, charged_at)
        VALUES (${orderId}, 0, 'voided', '', now())
        ON CONFLICT (order_id) DO NOTHING
        RETURNING status`;
      if (voided) return { status: 'voided' } as const;
      const [row] = await tx<
        LedgerRow[]
      >`SELECT status, charge_id, amount_cents FROM gateway_charges WHERE order_id = ${orderId} FOR UPDATE`;
      if (!row) throw new Error(`gateway: the ledger row of order ${orderId} vanished`);
      if (row.status === 'charged') {
        await tx`UPDATE gateway_charges SET status = 'refunded', refunded_at = now() WHERE order_id = ${orderId}`;
        return { status: 'refunded', chargeId: row.charge_id, amountCents: row.amount_cents } as const;
      }
      if (row.status === 'refunded') return { status: 'refunded', chargeId: row.charge_id, amountCents: row.amount_cents } as const;
      return { status: row.status } as const;
    });
  }
}

/** The answer's delay; unref'd so that a worker that stops is not held up by a gateway that has not answered. */
const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
