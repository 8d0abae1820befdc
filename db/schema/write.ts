import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, integer, timestamp, jsonb, primaryKey, uniqueIndex, index, check } from 'drizzle-orm/pg-core';

/** The write model: normalized tables the command handlers lock and change. */

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
    version: integer('version').notNull(),
  },
  (t) => [uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`)],
);

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    onHand: integer('on_hand').notNull(),
    reserved: integer('reserved').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    version: integer('version').notNull(),
  },
  (t) => [
    uniqueIndex('products_sku_key').on(t.sku),
    check('products_price_positive', sql`${t.priceCents} > 0`),
    check('products_stock_never_negative', sql`${t.onHand} >= 0 AND ${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand}`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: ['pending', 'paid', 'completed', 'cancelled'] }).notNull(),
    totalCents: integer('total_cents').notNull(),
    currency: text('currency').notNull().default('USD'),
    /** A reference to the payment token (`pref_<orderId>`); the token itself is in payment_tokens while it is needed. */
    paymentRef: text('payment_ref').notNull(),
    cancelReason: text('cancel_reason'),
    placedAt: timestamp('placed_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    version: integer('version').notNull(),
  },
  (t) => [index('orders_user_idx').on(t.userId), index('orders_placed_idx').on(t.placedAt)],
);

/**
 * Payment tokens held by reference (finding 8): written with the order in the same transaction,
 * read by the saga when it charges, deleted in the transaction that records the gateway's final
 * answer. Neither the order row nor any event holds the token.
 */
export const paymentTokens = pgTable('payment_tokens', {
  ref: text('ref').primaryKey(),
  orderId: uuid('order_id').notNull(),
  token: text('token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const orderLines = pgTable(
  'order_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

/** One row per order run by the saga: its step, deadline and attempts; changed with the commands it issues. */
export const sagas = pgTable(
  'order_sagas',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id),
    step: text('step').notNull(),
    attempts: integer('attempts').notNull().default(0),
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'date' }),
    done: integer('done').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('order_sagas_deadline_idx').on(t.deadlineAt)],
);

/**
 * The simulated payment gateway's ledger: one row per order, so a retry never charges twice.
 * `voided`: refunded before any charge arrived, so a late charge for the order is declined.
 */
export const gatewayCharges = pgTable('gateway_charges', {
  orderId: uuid('order_id').primaryKey(),
  amountCents: integer('amount_cents').notNull(),
  status: text('status', { enum: ['charged', 'declined', 'refunded', 'voided'] }).notNull(),
  chargeId: text('charge_id').notNull(),
  chargedAt: timestamp('charged_at', { withTimezone: true, mode: 'date' }).notNull(),
  refundedAt: timestamp('refunded_at', { withTimezone: true, mode: 'date' }),
});

/** Results of commands sent with a `commandId`: a repeat returns the stored result and writes nothing. */
export const commandResults = pgTable('command_results', {
  commandId: uuid('command_id').primaryKey(),
  commandType: text('command_type').notNull(),
  result: jsonb('result'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * A bulk load (the demo history) while it runs and after: how many of its events are written, out
 * of how many. One row per kind of load; a new run replaces the row. The portal shows a banner
 * while `finished_at` is null (ops.loads).
 */
export const bulkLoads = pgTable('bulk_loads', {
  name: text('name').primaryKey(),
  totalEvents: integer('total_events').notNull(),
  doneEvents: integer('done_events').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  /** Why it stopped, when it did not finish. */
  failure: text('failure'),
});
