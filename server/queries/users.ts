import { sql } from 'drizzle-orm';
import { selectOf } from '@/db/columns';
import { userProfiles, userSearch } from '@/db/schema';
import type { ReadDeps } from '@/server/deps';
import { decodeCursor, encodeCursor, readModel, type ReadOptions } from './read-model';
import { normalizeOrder, ORDER_ROW_PROJECTIONS, orderSummaryColumns, type OrderSummary } from './orders';
import { pageOf } from './rows';

const profile = selectOf(userProfiles, [
  'userId',
  'email',
  'name',
  'memberSince',
  'lastLoginAt',
  'totalOrders',
  'totalSpentCents',
  'spentByCurrency',
]);
export type UserProfile = typeof userProfiles.$inferSelect;

export function userProfile(s: ReadDeps, input: { userId: string } & ReadOptions) {
  return readModel(s, 'users.profile', ['user_profile'], input.userId, input, async () => {
    const rows = await s.read.db.execute<UserProfile>(sql`SELECT ${profile.columns} FROM user_profiles WHERE user_id = ${input.userId}`);
    return rows[0] ? profile.row(rows[0]) : null;
  });
}

const hit = selectOf(userSearch, ['userId', 'email', 'name', 'memberSince']);
type SearchHit = Pick<typeof userSearch.$inferSelect, 'userId' | 'email' | 'name' | 'memberSince'> & { rank: number };

/**
 * Words and prefixes of `q` (full text, `word:*`), then typos and fragments (trigram similarity),
 * ranked best first. Cursor paging by (rank, userId).
 */
export function searchUsers(s: ReadDeps, input: { q: string; limit: number; cursor?: string } & ReadOptions) {
  return readModel(s, 'users.search', ['user_search'], [input.q, input.limit, input.cursor], input, async () => {
    const words = input.q
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .slice(0, 8);
    if (words.length === 0) return { items: [], nextCursor: null };
    const tsq = words.map((w) => `${w}:*`).join(' & ');
    const haystackQ = input.q.toLowerCase().trim();
    const after = decodeCursor(input.cursor, ['number', 'uuid']);
    const rows = await s.read.db.execute<SearchHit>(sql`
      WITH m AS (
        SELECT user_id, email, name, member_since,
          (ts_rank(document, to_tsquery('simple', ${tsq})) * 2 + word_similarity(${haystackQ}, haystack))::float8 AS rank
        FROM user_search
        WHERE document @@ to_tsquery('simple', ${tsq}) OR ${haystackQ} <% haystack OR haystack ILIKE ${'%' + haystackQ.replace(/[%_\\]/g, '\\$&') + '%'}
      )
      SELECT ${hit.columns}, round(rank::numeric, 6)::float8 AS rank FROM m
      WHERE ${after ? sql`(round(rank::numeric, 6)::float8, user_id) < (${Number(after[0])}::float8, ${String(after[1])}::uuid)` : sql`true`}
      ORDER BY 5 DESC, user_id DESC LIMIT ${input.limit + 1}`);
    const items = rows.slice(0, input.limit).map(hit.row);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? encodeCursor([last.rank, last.userId]) : null };
  });
}

export function userOrders(s: ReadDeps, input: { userId: string; limit: number; cursor?: string } & ReadOptions) {
  return readModel(s, 'users.orders', ORDER_ROW_PROJECTIONS, [input.userId, input.limit, input.cursor], input, async () => {
    const after = decodeCursor(input.cursor, ['timestamp', 'uuid']);
    const rows = await s.read.db.execute<OrderSummary>(sql`
      SELECT ${orderSummaryColumns} FROM order_summaries
      WHERE user_id = ${input.userId} AND ${after ? sql`(placed_at, order_id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)` : sql`true`}
      ORDER BY placed_at DESC, order_id DESC LIMIT ${input.limit + 1}`);
    return pageOf(rows.map(normalizeOrder), input.limit, (o) => [o.placedAt, o.orderId]);
  });
}

export const userListSorts = ['name', 'joined', 'orders', 'spent'] as const;
export type UserListSort = (typeof userListSorts)[number];
const listed = selectOf(userProfiles, ['userId', 'email', 'name', 'memberSince', 'totalOrders', 'totalSpentCents', 'spentByCurrency']);
export type UserListRow = Omit<UserProfile, 'lastLoginAt'>;

// "spent" sorts by the home currency (USD) part: amounts in different currencies are never added
// together, and a user who paid only in other currencies sorts as 0 (then by user id).
const sortColumn: Record<UserListSort, string> = {
  name: 'lower(name)',
  joined: 'member_since',
  orders: 'total_orders',
  spent: 'total_spent_cents',
};

/**
 * Every customer, newest first by default, sortable by name, joined, orders or spent, a page at a
 * time (offset: an admin jumps between sort orders and pages; a few thousand rows). `q` narrows the
 * list to users whose name or email contains every word of it.
 */
export function listUsers(
  s: ReadDeps,
  input: { q?: string; sort: UserListSort; dir: 'asc' | 'desc'; limit: number; offset: number } & ReadOptions,
) {
  return readModel(
    s,
    'users.list',
    ['user_profile'],
    [input.q ?? '', input.sort, input.dir, input.limit, input.offset],
    input,
    async () => {
      const words = (input.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
      const like = (w: string) => `%${w.replace(/[%_\\]/g, '\\$&')}%`;
      const where = words.length
        ? sql.join(
            words.map((w) => sql`(name ILIKE ${like(w)} OR email ILIKE ${like(w)})`),
            sql` AND `,
          )
        : sql`true`;
      const order = sql.raw(
        `${sortColumn[input.sort]} ${input.dir === 'asc' ? 'ASC' : 'DESC'}, user_id ${input.dir === 'asc' ? 'ASC' : 'DESC'}`,
      );
      const rows = await s.read.db.execute<UserListRow & { total: number }>(sql`
      SELECT ${listed.columns}, (count(*) OVER ())::int AS total
      FROM user_profiles WHERE ${where} ORDER BY ${order} LIMIT ${input.limit} OFFSET ${input.offset}`);
      let total = rows[0]?.total;
      if (total === undefined) {
        const [c] = await s.read.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM user_profiles WHERE ${where}`);
        total = c?.n ?? 0;
      }
      const items = rows.map(({ total: _total, ...r }) => listed.row(r));
      return { items, total, offset: input.offset, limit: input.limit };
    },
  );
}
