import { describe, expect, it } from 'vitest';
import { DAY_MS, DECLINED_SHARE, OUT_OF_STOCK_SHARE, STOCK_SAFETY, planDemo, type Activity } from '@/server/demo/plan';

const end = new Date('2026-06-15T14:30:00.000Z'); // a Monday afternoon
const size = { days: 90, users: 3000, orders: 6000, seed: 'unit' };
const plan = planDemo(size, end);
const orders = plan.activities.filter((a): a is Extract<Activity, { kind: 'order' }> => a.kind === 'order');

describe('planDemo', () => {
  it('gives the same plan for the same size, seed and end, and another for another seed', () => {
    expect(planDemo(size, end)).toEqual(plan);
    expect(planDemo({ ...size, seed: 'other' }, end).users.map((u) => u.email)).not.toEqual(plan.users.map((u) => u.email));
  });

  it('makes exactly the users and orders asked for, with ~6% declined and ~3% out of stock', () => {
    expect(plan.users).toHaveLength(3000);
    expect(orders).toHaveLength(6000);
    expect(plan.products).toHaveLength(40);
    expect(orders.filter((o) => o.outcome === 'payment_failed')).toHaveLength(Math.round(6000 * DECLINED_SHARE));
    expect(orders.filter((o) => o.outcome === 'out_of_stock')).toHaveLength(Math.round(6000 * OUT_OF_STOCK_SHARE));
    expect(orders.every((o) => (o.outcome === 'payment_failed') === (o.token === 'tok_decline'))).toBe(true);
  });

  it('keeps every moment inside the period and in causal order', () => {
    const start = end.getTime() - 90 * DAY_MS;
    expect(plan.products.every((p) => p.at.getTime() >= start && p.at.getTime() < start + DAY_MS)).toBe(true);
    const registered = plan.users.map((u) => u.at.getTime());
    expect(registered.every((t) => t > start && t < end.getTime())).toBe(true);
    for (const a of plan.activities) {
      expect(a.at.getTime()).toBeGreaterThan(start);
      expect(a.at.getTime()).toBeLessThanOrEqual(end.getTime());
      if (a.kind !== 'restock') expect(a.at.getTime()).toBeGreaterThan(registered[a.user]!);
      if (a.kind === 'order') {
        expect(a.settledAt.getTime()).toBeGreaterThanOrEqual(a.at.getTime());
        expect(a.settledAt.getTime()).toBeLessThanOrEqual(end.getTime());
      }
    }
    const times = plan.activities.map((a) => a.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('grows: the last 30 days have clearly more orders and sign-ups than the first 30', () => {
    const start = end.getTime() - 90 * DAY_MS;
    const inThird = (t: number, k: number) => t >= start + k * 30 * DAY_MS && t < start + (k + 1) * 30 * DAY_MS;
    const first = orders.filter((o) => inThird(o.at.getTime(), 0)).length;
    const last = orders.filter((o) => inThird(o.at.getTime(), 2)).length;
    expect(last).toBeGreaterThan(first * 2);
    const firstUsers = plan.users.filter((u) => inThird(u.at.getTime(), 0)).length;
    const lastUsers = plan.users.filter((u) => inThird(u.at.getTime(), 2)).length;
    expect(lastUsers).toBeGreaterThan(firstUsers * 1.6);
  });

  it('has a weekday rhythm: fewer sign-ups per Saturday than per Wednesday', () => {
    const perWeekday = Array.from({ length: 7 }, () => 0);
    for (const u of plan.users) perWeekday[u.at.getUTCDay()]! += 1;
    expect(perWeekday[6]!).toBeLessThan(perWeekday[3]! * 0.85);
  });

  it('gives every user a distinct email, case-insensitively, before and after email changes', () => {
    const emails = [...plan.users.map((u) => u.email), ...plan.activities.flatMap((a) => (a.kind === 'email' ? [a.email] : []))];
    expect(new Set(emails.map((e) => e.toLowerCase())).size).toBe(emails.length);
    expect(emails.every((e) => /^[a-z0-9.]+@[a-z.]+$/.test(e))).toBe(true);
    expect(plan.activities.some((a) => a.kind === 'email')).toBe(true);
    expect(plan.activities.filter((a) => a.kind === 'login').length).toBeGreaterThan(1000);
  });

  it('restocks so that completed orders never run a product below the safety margin', () => {
    const stock = plan.products.map((p) => p.stock);
    let restocks = 0;
    for (const a of plan.activities) {
      if (a.kind === 'restock') {
        stock[a.product]! += a.quantity;
        restocks += 1;
      }
      if (a.kind === 'order' && a.outcome === 'completed') {
        for (const l of a.lines) {
          stock[l.product]! -= l.quantity;
          expect(stock[l.product]!).toBeGreaterThanOrEqual(STOCK_SAFETY);
        }
      }
    }
    expect(restocks).toBeGreaterThan(10);
  });

  it('scales down: a week with a few users still has declines and out-of-stock orders', () => {
    const small = planDemo({ days: 7, users: 40, orders: 100, seed: 'small' }, end);
    const o = small.activities.filter((a): a is Extract<Activity, { kind: 'order' }> => a.kind === 'order');
    expect(small.users).toHaveLength(40);
    expect(o.filter((x) => x.outcome === 'payment_failed')).toHaveLength(6);
    expect(o.filter((x) => x.outcome === 'out_of_stock')).toHaveLength(3);
    expect(new Set(o.map((x) => x.at.toISOString().slice(0, 10))).size).toBeGreaterThanOrEqual(6);
  });
});
