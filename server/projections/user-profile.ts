import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { userProfiles } from '@/db/schema';
import { HOME_CURRENCY } from '@/server/domain/contracts';
import type { ProjectionDefinition } from './types';

interface Patch {
  userId: string;
  created?: { email: string; name: string; memberSince: string };
  email?: string;
  lastLoginAt?: string;
  orders: number;
  spent: Record<string, number>;
}

/**
 * users.profile and users.list: one row per user with completed-order totals. Money is kept per
 * currency (`spent_by_currency`), never summed across currencies; `total_spent_cents` is the home
 * currency's part, the key users.list sorts "spent" by.
 */
export const userProfileProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'user_profile',
  version: 2,
  handles: ['UserCreated', 'UserEmailUpdated', 'UserLoggedIn', 'OrderCompleted'],
  tables: ['user_profiles'],
  onError: 'halt',
  async applyBatch(tx, events) {
    const patches = new Map<string, Patch>();
    const patch = (userId: string) => patches.get(userId) ?? patches.set(userId, { userId, orders: 0, spent: {} }).get(userId)!;
    for (const e of events) {
      switch (e.type) {
        case 'UserCreated':
          patch(e.data.userId).created = { email: e.data.email, name: e.data.name, memberSince: e.occurredAt };
          break;
        case 'UserEmailUpdated':
          patch(e.data.userId).email = e.data.email;
          break;
        case 'UserLoggedIn':
          patch(e.data.userId).lastLoginAt = e.data.at;
          break;
        case 'OrderCompleted': {
          const p = patch(e.data.userId);
          p.orders += 1;
          p.spent[e.data.currency] = (p.spent[e.data.currency] ?? 0) + e.data.totalCents;
          break;
        }
        default:
          break;
      }
    }
    const all = [...patches.values()];
    const created = all
      .filter((p) => p.created)
      .map((p) => ({
        user_id: p.userId,
        email: p.email ?? p.created!.email,
        name: p.created!.name,
        member_since: p.created!.memberSince,
        last_login_at: p.lastLoginAt ?? null,
        total_orders: p.orders,
        total_spent_cents: p.spent[HOME_CURRENCY] ?? 0,
        spent_by_currency: p.spent,
      }));
    const updated = all
      .filter((p) => !p.created)
      .map((p) => {
        const paid = Object.entries(p.spent);
        return {
          user_id: p.userId,
          email: p.email ?? null,
          last_login_at: p.lastLoginAt ?? null,
          orders: p.orders,
          spent: p.spent[HOME_CURRENCY] ?? 0,
          // One currency (the usual case) as a pair, several as a map, none as neither.
          ...(paid.length === 1 ? { currency: paid[0]![0], amount: paid[0]![1] } : paid.length > 1 ? { spent_by_currency: p.spent } : {}),
        };
      });
    if (created.length) {
      await tx.execute(sql`
        INSERT INTO user_profiles (user_id, email, name, member_since, last_login_at, total_orders, total_spent_cents, spent_by_currency)
        SELECT user_id, email, name, member_since, last_login_at, total_orders, total_spent_cents, spent_by_currency FROM ${recordset(userProfiles, created)}`);
    }
    if (updated.length) {
      // Per currency, what the batch added is added to what the row holds: only the batch's
      // currencies are touched (none for a batch of logins), the others kept as they are; a
      // single currency without a subquery per row.
      await tx.execute(sql`
        UPDATE user_profiles p SET email = COALESCE(v.email, p.email), last_login_at = COALESCE(v.last_login_at, p.last_login_at),
          total_orders = p.total_orders + v.orders, total_spent_cents = p.total_spent_cents + v.spent,
          spent_by_currency = CASE
            WHEN v.currency IS NOT NULL
              THEN p.spent_by_currency || jsonb_build_object(v.currency, COALESCE((p.spent_by_currency->>v.currency)::bigint, 0) + v.amount)
            WHEN v.spent_by_currency IS NULL THEN p.spent_by_currency
            ELSE p.spent_by_currency || (
              SELECT jsonb_object_agg(key, COALESCE((p.spent_by_currency->>key)::bigint, 0) + value::bigint)
              FROM jsonb_each_text(v.spent_by_currency)) END
        FROM ${recordset(userProfiles, updated, { extra: { orders: 'int', spent: 'bigint', currency: 'text', amount: 'bigint' } })}
        WHERE p.user_id = v.user_id`);
    }
  },
};
