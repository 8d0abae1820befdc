import { z } from 'zod';

/**
 * Every event type with one zod schema per stored schema version. Stored events are never
 * rewritten; `upcast` (upcasters.ts) turns an old version into the current one when read.
 */
const uuid = z.string().uuid();
const cents = z.number().int();
const iso = z.string().datetime({ offset: true });

const orderLine = z.object({
  productId: uuid,
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: cents,
});

/** The order's ISO 4217 currency, repeated on its later events so per-currency reports need no lookup. */
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .default('USD');

const orderPlacedV1 = z.object({
  orderId: uuid,
  userId: uuid,
  lines: z.array(orderLine).min(1),
  totalCents: cents,
  paymentToken: z.string(),
});

/**
 * v2 as written since finding 8: `paymentRef` (a reference to the token, held in the write-side
 * payment_tokens table only while the charge needs it) instead of the token. Older v2 events
 * carry `paymentToken`; the explorer shows it redacted (server/domain/redact.ts).
 */
const orderPlacedV2 = orderPlacedV1
  .omit({ paymentToken: true })
  .extend({
    currency: z.string().regex(/^[A-Z]{3}$/),
    paymentToken: z.string().optional(),
    paymentRef: z.string().optional(),
  })
  .refine(
    (d) => d.paymentToken !== undefined || d.paymentRef !== undefined,
    'OrderPlaced needs paymentRef (or, before references, paymentToken)',
  );

export const eventSchemas = {
  UserCreated: { 1: z.object({ userId: uuid, email: z.string(), name: z.string() }) },
  UserEmailUpdated: { 1: z.object({ userId: uuid, email: z.string(), previousEmail: z.string() }) },
  UserLoggedIn: { 1: z.object({ userId: uuid, at: iso }) },
  ProductCreated: {
    1: z.object({ productId: uuid, sku: z.string(), name: z.string(), priceCents: cents, stock: z.number().int() }),
  },
  ProductPriceChanged: { 1: z.object({ productId: uuid, priceCents: cents, previousPriceCents: cents }) },
  InventoryRestocked: { 1: z.object({ productId: uuid, quantity: z.number().int(), onHand: z.number().int() }) },
  OrderPlaced: {
    1: orderPlacedV1,
    2: orderPlacedV2,
  },
  PaymentProcessed: { 1: z.object({ orderId: uuid, amountCents: cents, chargeId: z.string() }) },
  PaymentFailed: { 1: z.object({ orderId: uuid, reason: z.string() }) },
  InventoryReserved: {
    1: z.object({ orderId: uuid, lines: z.array(z.object({ productId: uuid, quantity: z.number().int() })) }),
  },
  InventoryUnavailable: {
    1: z.object({
      orderId: uuid,
      shortages: z.array(z.object({ productId: uuid, requested: z.number().int(), available: z.number().int() })),
    }),
  },
  OrderCompleted: {
    1: z.object({
      orderId: uuid,
      userId: uuid,
      totalCents: cents,
      currency,
      lines: z.array(z.object({ productId: uuid, name: z.string(), quantity: z.number().int(), unitPriceCents: cents })),
    }),
  },
  PaymentRefunded: { 1: z.object({ orderId: uuid, amountCents: cents, currency }) },
  OrderCancelled: {
    1: z.object({
      orderId: uuid,
      userId: uuid,
      reason: z.string(),
      currency,
      /** Stock the order held and gives back (empty when nothing was reserved). */
      released: z.array(z.object({ productId: uuid, quantity: z.number().int() })),
    }),
  },
} as const;

type Schemas = typeof eventSchemas;
export type EventType = keyof Schemas;
type Latest<T extends EventType> = Schemas[T] extends { 2: infer S } ? S : Schemas[T] extends { 1: infer S } ? S : never;
export type EventData<T extends EventType> = z.infer<Latest<T> & z.ZodType>;

/** Each type's newest schema version, computed once: upcasting asks for it on every event read from the log. */
const currentVersions = Object.fromEntries(
  Object.entries(eventSchemas).map(([type, versions]) => [type, Math.max(...Object.keys(versions).map(Number))]),
) as Record<EventType, number>;
export const currentVersion = (type: EventType): number => currentVersions[type];

/** A new event as a decider returns it: always at the current schema version. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

export const eventTypes = Object.keys(eventSchemas) as EventType[];

export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  commandId: string;
  actor: string;
  traceparent?: string;
}

/** An event as read back from the log, without its metadata: what a projection is given. */
export type ProjectedEvent = DomainEvent & {
  position: number;
  txId: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  schemaVersion: number;
  occurredAt: string;
};

/** An event as read back from the log, with its metadata (correlation, causation, actor). */
export type StoredEvent = ProjectedEvent & { metadata: EventMetadata };

export { streamId } from './contracts';
