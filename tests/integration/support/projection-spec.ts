/**
 * Projection specs: given these events → these rows, against Postgres. Each spec applies its
 * events twice: as one batch into the live tables, and one event per batch into a scratch schema,
 * and the two must hold the same rows (what a rebuild with another batch size would give).
 */
import { randomUUID } from 'node:crypto';
import { sql as dsql } from 'drizzle-orm';
import type { DbHandle } from '@/db/client';
import type { ProjectionDefinition } from '@/server/projections/types';
import { eventSchemas, type EventData, type EventType, type StoredEvent } from '@/server/domain/events';

/** Events in log order with made-up metadata; `at` is when each happened. */
export function eventLog() {
  let position = 0;
  const events: StoredEvent[] = [];
  return {
    events,
    add<T extends EventType>(type: T, data: EventData<T>, at: string, streamId = 'spec'): StoredEvent {
      position += 1;
      // Parsed like a stored event, so defaults (currency) apply exactly as when read from the log.
      const schema = eventSchemas[type] as Record<number, { parse(d: unknown): unknown }>;
      const version = Math.max(...Object.keys(schema).map(Number));
      const e = {
        type,
        data: schema[version]!.parse(data),
        position,
        txId: String(1000 + position),
        eventId: randomUUID(),
        streamId,
        streamVersion: position,
        schemaVersion: version,
        occurredAt: new Date(at).toISOString(),
        metadata: { correlationId: randomUUID(), causationId: null, commandId: randomUUID(), actor: 'spec' },
      } as StoredEvent;
      events.push(e);
      return e;
    },
  };
}

async function applyIn(read: DbHandle, def: ProjectionDefinition, schema: string, batches: StoredEvent[][]) {
  for (const batch of batches) {
    await read.db.transaction(async (tx) => {
      await tx.execute(dsql.raw(`SET LOCAL search_path TO "${schema}", public`));
      await def.applyBatch(
        tx,
        batch.filter((e) => def.handles.includes(e.type)),
      );
    });
  }
}

const snapshot = async (read: DbHandle, schema: string, table: string) =>
  (await read.sql.unsafe<{ j: string }[]>(`SELECT to_jsonb(t)::text AS j FROM "${schema}"."${table}" t ORDER BY 1`)).map((r) => r.j);

/**
 * Empties the projection's tables, applies `events` as one batch, checks that one event per batch
 * gives the same rows, and leaves the one-batch rows in the live tables for the spec to read.
 */
export async function given(read: DbHandle, def: ProjectionDefinition, events: StoredEvent[]): Promise<void> {
  for (const t of def.tables) await read.sql.unsafe(`TRUNCATE "${t}"`);
  await applyIn(read, def, 'public', [events]);
  const scratch = `spec_${def.name}`;
  await read.sql.unsafe(`DROP SCHEMA IF EXISTS "${scratch}" CASCADE; CREATE SCHEMA "${scratch}"`);
  try {
    for (const t of def.tables) await read.sql.unsafe(`CREATE TABLE "${scratch}"."${t}" (LIKE public."${t}" INCLUDING ALL)`);
    await applyIn(
      read,
      def,
      scratch,
      events.map((e) => [e]),
    );
    for (const t of def.tables) {
      const one = await snapshot(read, 'public', t);
      const each = await snapshot(read, scratch, t);
      if (JSON.stringify(one) !== JSON.stringify(each)) {
        throw new Error(
          `${def.name}: table ${t} differs between one batch and one event per batch:\n${one.join('\n')}\n---\n${each.join('\n')}`,
        );
      }
    }
  } finally {
    await read.sql.unsafe(`DROP SCHEMA IF EXISTS "${scratch}" CASCADE`);
  }
}

export interface SpecLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}
type Log = ReturnType<typeof eventLog>;
const plus = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

/**
 * One order's saga as the log holds it: completed (placed → paid → reserved → completed),
 * payment_failed (placed → declined → cancelled), out_of_stock (placed → paid → unavailable →
 * refunded → cancelled), or pending (placed only). The steps are `stepSeconds` apart.
 */
export function order(
  log: Log,
  o: {
    userId: string;
    lines: SpecLine[];
    at: string;
    outcome: 'completed' | 'payment_failed' | 'out_of_stock' | 'pending';
    currency?: string;
    stepSeconds?: number;
    orderId?: string;
  },
) {
  const orderId = o.orderId ?? randomUUID();
  const currency = o.currency ?? 'USD';
  const step = o.stepSeconds ?? 60;
  const total = o.lines.reduce((a, l) => a + l.quantity * l.unitPriceCents, 0);
  const stream = `order-${orderId}`;
  const lines = o.lines.map((l) => ({ ...l, sku: `SKU-${l.productId.slice(0, 4)}`, name: `Product ${l.productId.slice(0, 4)}` }));
  log.add('OrderPlaced', { orderId, userId: o.userId, lines, totalCents: total, paymentToken: 'tok_ok', currency }, o.at, stream);
  if (o.outcome === 'pending') return { orderId, total };
  if (o.outcome === 'payment_failed') {
    log.add('PaymentFailed', { orderId, reason: 'declined' }, plus(o.at, step), stream);
    log.add(
      'OrderCancelled',
      { orderId, userId: o.userId, reason: 'payment_failed', currency, released: [] },
      plus(o.at, 2 * step),
      stream,
    );
    return { orderId, total };
  }
  log.add('PaymentProcessed', { orderId, amountCents: total, chargeId: `ch_${orderId}` }, plus(o.at, step), stream);
  if (o.outcome === 'out_of_stock') {
    log.add(
      'InventoryUnavailable',
      { orderId, shortages: [{ productId: o.lines[0]!.productId, requested: o.lines[0]!.quantity, available: 0 }] },
      plus(o.at, 2 * step),
      stream,
    );
    log.add('PaymentRefunded', { orderId, amountCents: total, currency }, plus(o.at, 3 * step), stream);
    log.add('OrderCancelled', { orderId, userId: o.userId, reason: 'out_of_stock', currency, released: [] }, plus(o.at, 4 * step), stream);
    return { orderId, total };
  }
  log.add(
    'InventoryReserved',
    { orderId, lines: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) },
    plus(o.at, 2 * step),
    stream,
  );
  log.add(
    'OrderCompleted',
    {
      orderId,
      userId: o.userId,
      totalCents: total,
      currency,
      lines: lines.map(({ productId, name, quantity, unitPriceCents }) => ({ productId, name, quantity, unitPriceCents })),
    },
    plus(o.at, 3 * step),
    stream,
  );
  return { orderId, total };
}
