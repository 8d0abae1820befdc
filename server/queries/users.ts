import { sql } from 'drizzle-orm';
import type { ReadDeps } from '@/server/deps';
import { decodeCursor, encodeCursor, readModel, type ReadOptions } from './read-model';
import { normalizeOrder, orderSummaryColumns, type OrderSummary } from './orders';
import { normalizeTimes, pageOf } from './rows';

export interface UserProfile { userId: string; email: string; name: string; memberSince: string; lastLoginAt: string | null; totalOrders: number; totalSpentCents: number }

export function userProfile(s: ReadDeps, input: { userId: string } & ReadOptions) {
  return readModel(s, 'users.profile', ['user_profile'], input.userId, input, async () => {
    const rows = await s.read.db.execute<Record<string, unknown>>(sql`
      SELECT user_id AS "userId", email, name, member_since AS "memberSince", last_login_at AS "lastLoginAt",
        total_orders AS "totalOrders", total_spent_cents::float8 AS "totalSpentCents"
      FROM user_profiles WHERE user_id = ${input.userId}`);
    return (rows[0] ? normalizeTimes(rows[0], ['memberSince', 'lastLoginAt']) : null) as UserProfile | null;
  });
}

/**
 * Words and prefixes of `q` (full text, `word:*`), then typos and fragments (trigram similarity),
 * ranked best first. Cursor paging by (rank, userId).
 */
export function searchUsers(s: ReadDeps, input: { q: string; limit: number; cursor?: string } & ReadOptions) {
  return readModel(s, 'users.search', ['user_search'], [input.q, input.limit, input.cursor], input, async () => {
    const words = input.q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
    if (words.length === 0) return { items: [], nextCursor: null };
    const tsq = words.map((w) => `${w}:*`).join(' & ');
    const haystackQ = input.q.toLowerCase().trim();
    const after = decodeCursor(input.cursor, ['number', 'uuid']);
    const rows = await s.read.db.execute<{ userId: string; email: string; name: string; memberSince: string; rank: number }>(sql`
      WITH m AS (
        SELECT user_id, email, name, member_since,
          (ts_rank(document, to_tsquery('simple', ${tsq})) * 2 + word_similarity(${haystackQ}, haystack))::float8 AS rank
        FROM user_search
        WHERE document @@ to_tsquery('simple', ${tsq}) OR ${haystackQ} <% haystack OR haystack ILIKE ${'%' + haystackQ.replace(/[%_\\]/g, '\\$&') + '%'}
      )
      SELECT user_id AS "userId", email, name, member_since AS "memberSince", round(rank::numeric, 6)::float8 AS rank FROM m
      WHERE ${after ? sql`(round(rank::numeric, 6)::float8, user_id) < (${Number(after[0])}::float8, ${String(after[1])}::uuid)` : sql`true`}
      ORDER BY 5 DESC, user_id DESC LIMIT ${input.limit + 1}`);
    const items = rows.slice(0, input.limit).map((r) => normalizeTimes(r, ['memberSince']));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? encodeCursor([last.rank, last.userId]) : null };
  });
}

export function userOrders(s: ReadDeps, input: { userId: string; limit: number; cursor?: string } & ReadOptions) {
  return readModel(s, 'users.orders', ['order_summary'], [input.userId, input.limit, input.cursor], input, async () => {
    const after = decodeCursor(input.cursor, ['timestamp', 'uuid']);
    const rows = await s.read.db.execute<OrderSummary>(sql`
      SELECT ${orderSummaryColumns} FROM order_summaries
      WHERE user_id = ${input.userId} AND ${after ? sql`(placed_at, order_id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)` : sql`true`}
      ORDER BY placed_at DESC, order_id DESC LIMIT ${input.limit + 1}`);
    return pageOf(rows.map(normalizeOrder), input.limit, (o) => [o.placedAt, o.orderId]);
  });
}

