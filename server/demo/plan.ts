import { Rng } from './rng';
import { demoCatalog } from './catalog';
import { emailDomains, firstNames, lastNames } from './names';
import type { HistoricalOutcome } from '@/server/commands/history';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface DemoSize {
  days: number;
  users: number;
  orders: number;
  seed: string;
}

export interface PlannedProduct {
  index: number;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  at: Date;
}
export interface PlannedUser {
  index: number;
  name: string;
  email: string;
  at: Date;
}
export interface PlannedLine {
  product: number;
  quantity: number;
}
export type Activity =
  | {
      kind: 'order';
      index: number;
      at: Date;
      settledAt: Date;
      user: number;
      lines: PlannedLine[];
      outcome: HistoricalOutcome;
      token: string;
    }
  | { kind: 'restock'; index: number; at: Date; product: number; quantity: number }
  | { kind: 'email'; index: number; at: Date; user: number; email: string }
  | { kind: 'login'; index: number; at: Date; user: number };

export interface DemoPlan {
  start: Date;
  end: Date;
  products: PlannedProduct[];
  users: PlannedUser[];
  /** Orders, restocks, email changes and logins, in time order. */
  activities: Activity[];
}

export const DECLINED_SHARE = 0.06;
export const OUT_OF_STOCK_SHARE = 0.03;
/** The fewest units a product keeps on the shelf: it is restocked before an order would take it lower. */
export const STOCK_SAFETY = 40;

// Shoppers are busiest in the (UTC) evening; sign-ups dip at weekends, orders peak on them.
const hourWeights = [1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.7, 1.2, 1.8, 2.2, 2.4, 2.5, 2.7, 2.6, 2.5, 2.5, 2.7, 3, 3.4, 3.6, 3.4, 2.8, 2, 1.4];
const signupsByWeekday = [0.8, 1.05, 1.1, 1.1, 1.05, 0.95, 0.7]; // Sunday first
const ordersByWeekday = [1.2, 1.05, 0.95, 0.95, 1, 1.05, 1.15];

/**
 * A believable shop history over `days` days ending at `end`: products stocked at the start,
 * registrations growing (×3 over the period) with a weekday rhythm, orders growing faster (×4),
 * 6% declined and 3% out of stock, restocks before shelves run empty, some email changes and
 * logins. Pure: the same size, seed and end give the same plan.
 */
export function planDemo(size: DemoSize, end: Date): DemoPlan {
  const rng = new Rng(`ledgerline-demo:${size.seed}`);
  const start = new Date(end.getTime() - size.days * DAY_MS);
  const active = { from: start.getTime() + HOUR_MS, to: end.getTime() - 60_000 };
  const days = calendarDays(active.from, active.to);
  const span = active.to - active.from;
  const progress = (t: number) => (t - active.from) / span;

  const products: PlannedProduct[] = demoCatalog.map((p, index) => ({
    index,
    sku: p.sku,
    name: p.name,
    priceCents: p.priceCents,
    stock: 60 + p.popularity * 25,
    at: new Date(start.getTime() + index * 60_000),
  }));

  const signupWeights = days.map(
    (d) => Math.exp(Math.log(3) * progress(d.mid)) * signupsByWeekday[d.weekday]! * (0.85 + 0.3 * rng.next()) * d.fraction,
  );
  const signupTimes = spread(rng, days, signupWeights, size.users).sort((a, b) => a - b);
  const users = planUsers(rng, signupTimes);

  const orderWeights = days.map(
    (d) => Math.exp(Math.log(4) * progress(d.mid)) * ordersByWeekday[d.weekday]! * (0.85 + 0.3 * rng.next()) * d.fraction,
  );
  const orderTimes = spread(rng, days, orderWeights, users.length ? size.orders : 0);
  const orders = planOrders(rng, orderTimes, users, end.getTime());
  const restocks = planStock(rng, products, orders);

  const activities: Activity[] = [
    ...orders,
    ...restocks,
    ...planEmailChanges(rng, users, end.getTime()),
    ...planLogins(rng, users, end.getTime()),
  ];
  const rank = { restock: 0, email: 1, login: 2, order: 3 } as const;
  activities.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.kind] - rank[b.kind] || a.index - b.index);
  return { start, end, products, users, activities };
}

interface CalendarDay {
  from: number;
  to: number;
  mid: number;
  weekday: number;
  fraction: number;
}

/** The UTC calendar days that overlap [from, to), each cut to the overlap. */
function calendarDays(from: number, to: number): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const a = Math.max(day, from);
    const b = Math.min(day + DAY_MS, to);
    if (b > a) out.push({ from: a, to: b, mid: (a + b) / 2, weekday: new Date(day).getUTCDay(), fraction: (b - a) / DAY_MS });
  }
  return out;
}

/** `total` moments: per day in proportion to the weights (largest remainder), within a day by hour of day. */
function spread(rng: Rng, days: CalendarDay[], weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (w / sum) * total : 0));
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[order[k % order.length]!.i]! += 1;
  const times: number[] = [];
  days.forEach((d, i) => {
    for (let n = 0; n < counts[i]!; n++) times.push(timeIn(rng, d));
  });
  return times;
}

function timeIn(rng: Rng, d: CalendarDay): number {
  const midnight = Math.floor(d.from / DAY_MS) * DAY_MS;
  for (let tries = 0; tries < 20; tries++) {
    const t = midnight + rng.weighted(hourWeights) * HOUR_MS + Math.floor(rng.next() * HOUR_MS);
    if (t >= d.from && t < d.to) return t;
  }
  return d.from + Math.floor(rng.next() * (d.to - d.from));
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

function planUsers(rng: Rng, times: number[]): PlannedUser[] {
  const taken = new Set<string>();
  return times.map((t, index) => {
    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const local = rng.next() < 0.5 ? `${ascii(first)}.${ascii(last)}` : `${ascii(first)[0]}${ascii(last)}`;
    const domain = rng.pick(emailDomains);
    let email = `${local}@${domain}`;
    for (let n = rng.int(2, 99); taken.has(email); n += rng.int(1, 9)) email = `${local}${n}@${domain}`;
    taken.add(email);
    return { index, name: `${first} ${last}`, email, at: new Date(t) };
  });
}

function planOrders(rng: Rng, times: number[], users: PlannedUser[], end: number): Extract<Activity, { kind: 'order' }>[] {
  const popularity = demoCatalog.map((p) => p.popularity);
  const firstOrderAt = (users[0]?.at.getTime() ?? 0) + 30 * 60_000;
  const placed = times.map((t) => Math.max(t, firstOrderAt)).sort((a, b) => a - b);
  const outcomes: HistoricalOutcome[] = placed.map(() => 'completed');
  const shuffled = rng.shuffle(placed.map((_, i) => i));
  const declined = Math.round(placed.length * DECLINED_SHARE);
  const soldOut = Math.round(placed.length * OUT_OF_STOCK_SHARE);
  shuffled.slice(0, declined).forEach((i) => {
    outcomes[i] = 'payment_failed';
  });
  shuffled.slice(declined, declined + soldOut).forEach((i) => {
    outcomes[i] = 'out_of_stock';
  });

  return placed.map((at, index) => {
    // Users who signed up at least half an hour earlier; a third of orders come from the last week's sign-ups.
    const known = Math.max(1, countBefore(users, at - 30 * 60_000));
    const recent = countBefore(users, at - 7 * DAY_MS);
    const user = rng.next() < 0.3 && known > recent ? rng.int(recent, known - 1) : Math.floor(known * Math.pow(rng.next(), 1.3));
    const lineCount = 1 + rng.weighted([60, 25, 10, 5]);
    const chosen = new Set<number>();
    while (chosen.size < lineCount) chosen.add(rng.weighted(popularity));
    const lines = [...chosen].map((product) => ({ product, quantity: 1 + rng.weighted([75, 18, 5, 1.5, 0.5]) }));
    const outcome = outcomes[index]!;
    const settledAt = Math.min(at + rng.int(3, 90) * 1000, end);
    return {
      kind: 'order' as const,
      index,
      at: new Date(at),
      settledAt: new Date(settledAt),
      user,
      lines,
      outcome,
      token: outcome === 'payment_failed' ? 'tok_decline' : 'tok_ok',
    };
  });
}

/** How many users registered before `t` (users are in registration order). */
function countBefore(users: PlannedUser[], t: number): number {
  let lo = 0;
  let hi = users.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (users[mid]!.at.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Walks the completed orders in time order: a product that falls to a quarter of its opening
 * stock is reordered and arrives a few hours later; one that would fall under STOCK_SAFETY is
 * restocked just before the order, so no completed order ever lacks stock.
 */
function planStock(
  rng: Rng,
  products: PlannedProduct[],
  orders: Extract<Activity, { kind: 'order' }>[],
): Extract<Activity, { kind: 'restock' }>[] {
  const stock = products.map((p) => p.stock);
  const due = products.map((): number | null => null);
  const restocks: Extract<Activity, { kind: 'restock' }>[] = [];
  const refill = (product: number, at: number) => {
    const target = products[product]!.stock + rng.int(0, 4) * 10;
    const quantity = Math.max(10, Math.ceil((target - stock[product]!) / 10) * 10);
    stock[product]! += quantity;
    due[product] = null;
    restocks.push({ kind: 'restock', index: restocks.length, at: new Date(at), product, quantity });
  };
  for (const o of orders) {
    const t = o.at.getTime();
    for (const l of o.lines) {
      const d = due[l.product];
      if (d !== null && d !== undefined && d <= t) refill(l.product, d);
    }
    if (o.outcome !== 'completed') continue;
    for (const l of o.lines) {
      if (stock[l.product]! - l.quantity < STOCK_SAFETY) refill(l.product, t - 1000);
      stock[l.product]! -= l.quantity;
      if (due[l.product] === null && stock[l.product]! < Math.max(80, products[l.product]!.stock / 4))
        due[l.product] = t + rng.int(1, 12) * HOUR_MS;
    }
  }
  return restocks;
}

function planEmailChanges(rng: Rng, users: PlannedUser[], end: number): Extract<Activity, { kind: 'email' }>[] {
  const out: Extract<Activity, { kind: 'email' }>[] = [];
  for (const u of users) {
    const from = u.at.getTime() + DAY_MS;
    if (rng.next() >= 0.04 || from >= end) continue;
    const [local] = u.email.split('@');
    out.push({
      kind: 'email',
      index: u.index,
      at: new Date(from + Math.floor(rng.next() * (end - from))),
      user: u.index,
      email: `${local}.${u.index}@${rng.pick(emailDomains)}`,
    });
  }
  return out;
}

function planLogins(rng: Rng, users: PlannedUser[], end: number): Extract<Activity, { kind: 'login' }>[] {
  const out: Extract<Activity, { kind: 'login' }>[] = [];
  for (const u of users) {
    const count = rng.weighted([25, 35, 25, 15]);
    const from = u.at.getTime() + 60_000;
    if (from >= end) continue;
    const times = Array.from({ length: count }, () => from + Math.floor(rng.next() * (end - from))).sort((a, b) => a - b);
    for (const t of times) out.push({ kind: 'login', index: out.length, at: new Date(t), user: u.index });
  }
  return out;
}
