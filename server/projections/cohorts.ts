import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { cohortActivity, cohortCustomers } from '@/db/schema';
import type { ProjectionDefinition } from './types';

/** The Monday (UTC) of the week a timestamp falls in, as YYYY-MM-DD. */
export function weekOf(iso: string): string {
  const d = new Date(iso);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return new Date(monday).toISOString().slice(0, 10);
}

/**
 * analytics.cohorts and analytics.repeatCustomers: each customer's registration week, and how many
 * orders each customer completed in each week (by the week the order completed).
 */
export const cohortsProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'cohorts',
  version: 1,
  handles: ['UserCreated', 'OrderCompleted'],
  tables: ['cohort_customers', 'cohort_activity'],
  onError: 'dead-letter',
  async applyBatch(tx, events) {
    const customers: { user_id: string; registered_at: string; cohort_week: string }[] = [];
    const activity = new Map<string, { user_id: string; week: string; completed_orders: number }>();
    for (const e of events) {
      if (e.type === 'UserCreated')
        customers.push({ user_id: e.data.userId, registered_at: e.occurredAt, cohort_week: weekOf(e.occurredAt) });
      else if (e.type === 'OrderCompleted') {
        const week = weekOf(e.occurredAt);
        const k = `${e.data.userId}/${week}`;
        (activity.get(k) ?? activity.set(k, { user_id: e.data.userId, week, completed_orders: 0 }).get(k)!).completed_orders++;
      }
    }
    if (customers.length) {
      await tx.execute(sql`
        INSERT INTO cohort_customers (user_id, registered_at, cohort_week)
        SELECT user_id, registered_at, cohort_week FROM ${recordset(cohortCustomers, customers)}
        ON CONFLICT (user_id) DO NOTHING`);
    }
    if (activity.size) {
      await tx.execute(sql`
        INSERT INTO cohort_activity AS a (user_id, week, completed_orders)
        SELECT user_id, week, completed_orders FROM ${recordset(cohortActivity, [...activity.values()])}
        ON CONFLICT (user_id, week) DO UPDATE SET completed_orders = a.completed_orders + excluded.completed_orders`);
    }
  },
};
