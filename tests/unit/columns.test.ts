import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { recordset } from '@/db/columns';
import { inventory, users } from '@/db/schema';

const dialect = new PgDialect();
const render = (q: ReturnType<typeof recordset>) => dialect.sqlToQuery(q);

describe('recordset: jsonb_to_recordset typed by a Drizzle table', () => {
  it('declares every column of the table, by column name and SQL type', () => {
    const q = render(recordset(users, [{ id: 'u1' }]));
    expect(q.sql).toBe(
      'jsonb_to_recordset($1::jsonb) AS v(id uuid, email text, name text, created_at timestamp with time zone, last_login_at timestamp with time zone, version integer)',
    );
    expect(q.params).toEqual(['[{"id":"u1"}]']);
  });

  it('declares only the columns named by key, in their order, then the extra ones', () => {
    const rows = [{ id: 'u1', email: 'a@example.com', last_login_at: null, version: 2 }];
    const q = render(recordset(users, rows, { columns: ['id', 'email', 'lastLoginAt', 'version'] }));
    expect(q.sql).toBe('jsonb_to_recordset($1::jsonb) AS v(id uuid, email text, last_login_at timestamp with time zone, version integer)');
    expect(q.params).toEqual([JSON.stringify(rows)]);

    const withExtra = render(recordset(inventory, [], { columns: ['productId', 'onHand'], extra: { on_hand_delta: 'int' } }));
    expect(withExtra.sql).toBe('jsonb_to_recordset($1::jsonb) AS v(product_id uuid, on_hand integer, on_hand_delta int)');
  });

  it('takes only keys of the table', () => {
    // @ts-expect-error `last_login_at` is a column name, not a key of the table
    expect(() => recordset(users, [], { columns: ['last_login_at'] })).toThrow(/no column keyed last_login_at/);
  });
});
