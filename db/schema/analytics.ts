import { pgTable, uuid, text, integer, bigint, timestamp, date, index, primaryKey } from 'drizzle-orm/pg-core';

/**
 * Read models of the analytics pages (funnel and saga timing, products, cohorts). Each table
 * belongs to one projection in server/projections/ and is rebuilt from the log with it.
 */

/** order_facts projection: one row per order with the moment it reached each saga step. */
export const orderFacts = pgTable(
  'order_facts',
  {
    orderId: uuid('order_id').primaryKey(),
    userId: uuid('user_id'),
    currency: text('currency'),
    totalCents: bigint('total_cents', { mode: 'number' }),
    placedAt: timestamp('placed_at', { withTimezone: true, mode: 'string' }),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'string' }),
    reservedAt: timestamp('reserved_at', { withTimezone: true, mode: 'string' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'string' }),
    cancelReason: text('cancel_reason'),
    refundedCents: bigint('refunded_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    index('order_facts_placed_idx').on(t.placedAt),
    index('order_facts_completed_idx').on(t.completedAt),
    index('order_facts_cancelled_idx').on(t.cancelledAt),
  ],
);

/** product_sales_daily projection: per product, day (UTC) and currency, what sold, was cancelled and refunded. */
export const productDaily = pgTable(
  'product_daily',
  {
    productId: uuid('product_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    unitsSold: integer('units_sold').notNull().default(0),
    revenueCents: bigint('revenue_cents', { mode: 'number' }).notNull().default(0),
    completedOrders: integer('completed_orders').notNull().default(0),
    cancelledOrders: integer('cancelled_orders').notNull().default(0),
    refundedCents: bigint('refunded_cents', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.productId, t.day, t.currency] }), index('product_daily_day_idx').on(t.day)],
);

/**
 * product_sales_daily projection's working state: the lines of orders still in flight, so a
 * cancellation or refund (whose events carry no lines) can be put against its products.
 */
export const productOpenLines = pgTable(
  'product_open_lines',
  {
    orderId: uuid('order_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    valueCents: bigint('value_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.productId] })],
);

/** cohorts projection: each customer's registration week (weeks start on Monday, UTC). */
export const cohortCustomers = pgTable(
  'cohort_customers',
  {
    userId: uuid('user_id').primaryKey(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    cohortWeek: date('cohort_week', { mode: 'string' }).notNull(),
  },
  (t) => [index('cohort_customers_week_idx').on(t.cohortWeek)],
);

/** cohorts projection: completed orders per customer and week of completion. */
export const cohortActivity = pgTable(
  'cohort_activity',
  {
    userId: uuid('user_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    completedOrders: integer('completed_orders').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.week] }), index('cohort_activity_week_idx').on(t.week)],
);
