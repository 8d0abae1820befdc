-- The transaction of one users.create, as the command handler sends it (server/commands/users.ts,
-- run.ts, append.ts): BEGIN; claim the email; append UserCreated; COMMIT. The relay is woken by a
-- NOTIFY after the commit, outside this transaction (append.ts, wakeRelay).
-- bench/commands.ts also runs a variant with pg_notify inside the transaction (the earlier shape).
-- pgbench substitutes :variables inside quotes too.
-- Run: pgbench -n -c 32 -j 2 -T 10 -f bench/commands.sql <database>
BEGIN;
INSERT INTO users (id, email, name, created_at, version)
  VALUES (gen_random_uuid(), 'pgb-' || gen_random_uuid() || '@example.com', 'Bench user', now(), 1)
  ON CONFLICT DO NOTHING RETURNING id AS user_id, email \gset
WITH ins AS (
  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
  VALUES (gen_random_uuid(), 'user-' || ':user_id', 1, 'UserCreated', 1,
          jsonb_build_object('userId', ':user_id', 'email', ':email', 'name', 'Bench user'),
          jsonb_build_object('correlationId', gen_random_uuid(), 'causationId', null, 'commandId', gen_random_uuid(), 'actor', 'bench:pgbench'),
          now())
  RETURNING position
)
SELECT max(position)::text AS position FROM ins;
COMMIT;
