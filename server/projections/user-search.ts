import { sql } from 'drizzle-orm';
import { recordset } from '@/db/columns';
import { userSearch } from '@/db/schema';
import type { ProjectionDefinition } from './types';

/** users.search: a full-text document and a trigram haystack per user. */
export const userSearchProjection: ProjectionDefinition = {
  kind: 'projection',
  database: 'read',
  name: 'user_search',
  version: 1,
  handles: ['UserCreated', 'UserEmailUpdated'],
  tables: ['user_search'],
  onError: 'halt',
  async applyBatch(tx, events) {
    const rows = new Map<string, { user_id: string; email: string; name: string | null; member_since: string | null }>();
    for (const e of events) {
      if (e.type === 'UserCreated')
        rows.set(e.data.userId, { user_id: e.data.userId, email: e.data.email, name: e.data.name, member_since: e.occurredAt });
      else if (e.type === 'UserEmailUpdated') {
        const prior = rows.get(e.data.userId);
        rows.set(e.data.userId, {
          user_id: e.data.userId,
          email: e.data.email,
          name: prior?.name ?? null,
          member_since: prior?.member_since ?? null,
        });
      }
    }
    if (rows.size === 0) return;
    // Email words (split at @ . _ -) are indexed too, so "smith" finds jane.smith@example.com.
    await tx.execute(sql`
      WITH v AS (
        SELECT v.user_id, v.email, COALESCE(v.name, s.name) AS name, COALESCE(v.member_since, s.member_since) AS member_since
        FROM ${recordset(userSearch, [...rows.values()])}
        LEFT JOIN user_search s ON s.user_id = v.user_id
      )
      INSERT INTO user_search (user_id, email, name, member_since, document, haystack)
      SELECT user_id, email, name, member_since,
        setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', regexp_replace(email, '[@._+-]', ' ', 'g')), 'B'),
        lower(name || ' ' || email)
      FROM v
      ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, name = excluded.name,
        document = excluded.document, haystack = excluded.haystack`);
  },
};
