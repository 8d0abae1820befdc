import { sql } from 'drizzle-orm';
import {
  pgTable,
  uuid,
  text,
  integer,
  bigint,
  boolean,
  timestamp,
  jsonb,
  date,
  index,
  serial,
  customType,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { xid8 } from './types';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Where each projection (and the saga) stands in the log, written in the same tx as its rows. */
export const checkpoints = pgTable('projection_checkpoints', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
  txId: xid8('tx_id')
    .notNull()
    .default(sql`'0'::xid8`),
  position: bigint('position', { mode: 'number' }).notNull().default(0),
  status: text('status', { enum: ['running', 'failed'] })
    .notNull()
    .default('running'),
  lastError: text('last_error'),
  lastEventAt: timestamp('last_event_at', { withTimezone: true, mode: 'date' }),
  failingPosition: bigint('failing_position', { mode: 'number' }),
  failingAttempts: integer('failing_attempts').notNull().default(0),
  retryAfter: timestamp('retry_after', { withTimezone: true, mode: 'date' }),
  eventsApplied: bigint('events_applied', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  rebuild: jsonb('rebuild').$type<{
    state: string;
    processed: number;
    total: number;
    startedAt: string;
    finishedAt?: string;
    error?: string;
  } | null>(),
});

export const deadLetters = pgTable(
  'dead_letters',
  {
    id: serial('id').primaryKey(),
    projection: text('projection').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    eventType: text('event_type').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    /** The event's stream; for a `park-stream` projection its later events wait behind this one. */
    streamId: text('stream_id'),
    /** Parked only because an earlier event of its stream is parked (`park-stream`); it did not fail itself. */
    held: boolean('held').notNull().default(false),
    /** Set (with resolved_at) when an operator discarded the event instead of applying it. */
    discardedAt: timestamp('discarded_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('dead_letters_open_idx').on(t.projection, t.resolvedAt),
    index('dead_letters_stream_idx').on(t.projection, t.streamId, t.position),
  ],
);

export const userProfiles = pgTable('user_profiles', {
  userId: uuid('user_id').primaryKey(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  memberSince: timestamp('member_since', { withTimezone: true, mode: 'string' }).notNull(),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'string' }),
  totalOrders: integer('total_orders').notNull().default(0),
  /** Completed orders' cents in the home currency (USD) only: amounts in other currencies are never added to it. */
  totalSpentCents: bigint('total_spent_cents', { mode: 'number' }).notNull().default(0),
  /** Completed orders' cents per currency (`{ USD: 1200, EUR: 1000 }`); a currency the user never paid in is absent. */
  spentByCurrency: jsonb('spent_by_currency').$type<Record<string, number>>().notNull().default({}),
});

export const userSearch = pgTable(
  'user_search',
  {
    userId: uuid('user_id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    memberSince: timestamp('member_since', { withTimezone: true, mode: 'string' }).notNull(),
    document: tsvector('document').notNull(),
    haystack: text('haystack').notNull(),
  },
  (t) => [
    index('user_search_document_idx').using('gin', t.document),
    index('user_search_trgm_idx').using('gin', sql`${t.haystack} gin_trgm_ops`),
    index('user_search_since_idx').on(t.memberSince, t.userId),
  ],
);

export type OrderLineView = { productId: string; sku: string; name: string; quantity: number; unitPriceCents: number };

export const orderSummaries = pgTable(
  'order_summaries',
  {
    orderId: uuid('order_id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status').notNull(),
    sagaStep: text('saga_step').notNull(),
    cancelReason: text('cancel_reason'),
    totalCents: integer('total_cents').notNull(),
    currency: text('currency').notNull(),
    lines: jsonb('lines').$type<OrderLineView[]>().notNull(),
    placedAt: timestamp('placed_at', { withTimezone: true, mode: 'string' }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'string' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'string' }),
    refundedCents: integer('refunded_cents').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    index('order_summaries_user_idx').on(t.userId, t.placedAt, t.orderId),
    index('order_summaries_placed_idx').on(t.placedAt, t.orderId),
    index('order_summaries_status_idx').on(t.status, t.placedAt, t.orderId),
  ],
);

export const inventory = pgTable(
  'inventory',
  {
    productId: uuid('product_id').primaryKey(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    onHand: integer('on_hand').notNull(),
    reserved: integer('reserved').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [index('inventory_sku_idx').on(t.sku)],
);

export const dailyRegistrations = pgTable('daily_registrations', {
  day: date('day', { mode: 'string' }).primaryKey(),
  count: integer('count').notNull().default(0),
});

export const dailyRevenue = pgTable(
  'daily_revenue',
  {
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull().default('USD'),
    placedCount: integer('placed_count').notNull().default(0),
    completedCount: integer('completed_count').notNull().default(0),
    cancelledCount: integer('cancelled_count').notNull().default(0),
    revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull().default(0),
    refundedCents: bigint('refunded_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency] })],
);

/** One row per live worker process, refreshed every few seconds: a stale row means a dead or stuck worker. */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  beatAt: timestamp('beat_at', { withTimezone: true, mode: 'date' }).notNull(),
});
