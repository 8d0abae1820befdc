import { sql } from 'drizzle-orm';
import type { DbHandle, Tx } from '@/db/client';
import type { ConsumerDefinition } from './consumer';
import { after, readEvents, safeHorizon } from '@/server/readside/log';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import type { Logger } from '@/server/log';

const BATCH = 5000;
const pointOf = (r: { tx_id: string; position: string }) => ({ txId: BigInt(r.tx_id), position: Number(r.position) });

/**
 * Rebuilds a read model from the log into shadow tables in schema `rebuild_<name>` while the live
 * tables keep answering (and keep being updated), then swaps them in under the projection's
 * checkpoint lock. Resumable: the shadow keeps its own checkpoint, so a retried job continues.
 */
export async function rebuildProjection(read: DbHandle, source: DbHandle, def: ConsumerDefinition, log: Logger): Promise<{ events: number }> {
  const schema = `rebuild_${def.name}`;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await read.sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  // The shadow gets its keys and unique indexes now (upserts need them) and its other indexes
  // (trigram, full text, secondary) only after the bulk load: building them once is far cheaper
  // than maintaining them row by row while hundreds of thousands of events are applied.
  const later: string[] = [];
  for (const t of def.tables) {
    const [exists] = await read.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = ${schema} AND tablename = ${t}`;
    const indexes = await read.sql<{ name: string; def: string; is_unique: boolean; constraint_def: string | null }[]>`
      SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisunique AS is_unique,
             (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) AS constraint_def
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE n.nspname = 'public' AND r.relname = ${t} ORDER BY i.relname`;
    const onShadow = (d: string) => d.replace(` ON public.${t} `, ` ON ${q(schema)}.${q(t)} `).replace(' ON public.', ` ON ${q(schema)}.`).replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
    if (!exists?.n) {
      await read.sql.unsafe(`CREATE TABLE ${q(schema)}.${q(t)} (LIKE public.${q(t)} INCLUDING ALL EXCLUDING INDEXES)`);
      for (const ix of indexes) {
        if (ix.constraint_def) await read.sql.unsafe(`ALTER TABLE ${q(schema)}.${q(t)} ADD CONSTRAINT ${q(ix.name)} ${ix.constraint_def}`);
        else if (ix.is_unique) await read.sql.unsafe(onShadow(ix.def));
      }
    }
    for (const ix of indexes) if (!ix.is_unique && !ix.constraint_def) later.push(onShadow(ix.def));
  }
  await read.sql.unsafe(`CREATE TABLE IF NOT EXISTS ${q(schema)}._checkpoint (id int PRIMARY KEY, tx_id xid8 NOT NULL DEFAULT '0', position bigint NOT NULL DEFAULT 0, processed bigint NOT NULL DEFAULT 0)`);
  await read.sql.unsafe(`INSERT INTO ${q(schema)}._checkpoint (id) VALUES (1) ON CONFLICT DO NOTHING`);
  const [count] = await source.sql<{ n: string }[]>`SELECT count(*) AS n FROM events WHERE type = ANY(${def.handles as string[]})`;
  const total = Number(count?.n ?? 0);
  const startedAt = new Date().toISOString();
  const progress = (state: string, processed: number, error?: string) => read.sql`
    UPDATE projection_checkpoints SET rebuild = ${JSON.stringify({ state, processed, total: Math.max(total, processed), startedAt, ...(error ? { error } : {}) })}::jsonb
    WHERE name = ${def.name}`;
  await progress('running', 0);
  log.info({ projection: def.name, total }, 'rebuild started');

  /** One shadow batch inside `tx`; returns how many events it applied. */
  const shadowStep = async (tx: Tx) => {
    await tx.execute(sql.raw(`SET LOCAL search_path TO ${q(schema)}, public`));
    const [ck] = await tx.execute<{ tx_id: string; position: string; processed: string }>(sql.raw(`SELECT tx_id::text, position, processed FROM ${q(schema)}._checkpoint WHERE id = 1 FOR UPDATE`));
    const from = { txId: BigInt(ck!.tx_id), position: Number(ck!.position) };
    const logDb = source === read ? tx : source.db;
    const events = await readEvents(logDb, from, await safeHorizon(logDb), def.handles, BATCH);
    if (events.length === 0) return { applied: 0, processed: Number(ck!.processed) };
    await def.applyBatch(tx, events);
    const last = events[events.length - 1]!;
    const processed = Number(ck!.processed) + events.length;
    await tx.execute(sql`UPDATE _checkpoint SET tx_id = ${last.txId}::xid8, position = ${last.position}, processed = ${processed} WHERE id = 1`);
    return { applied: events.length, processed };
  };

  try {
    for (;;) {
      const r = await read.db.transaction(shadowStep);
      if (r.applied === 0) break;
      await progress('running', r.processed);
    }
    // Outside the swap's lock, so the live projection keeps running while they build.
    for (const statement of later) await read.sql.unsafe(statement);
    const processed = await read.db.transaction(async (tx) => {
      // Hold the live projection still, finish the last events, swap, and move its checkpoint.
      const [live] = await tx.execute<{ tx_id: string; position: string }>(sql`
        SELECT tx_id::text, position FROM projection_checkpoints WHERE name = ${def.name} FOR UPDATE`);
      let r = await tx.transaction(shadowStep);
      while (r.applied > 0) r = await tx.transaction(shadowStep);
      await tx.execute(sql.raw('SET LOCAL search_path TO public'));
      for (const t of def.tables) {
        await tx.execute(sql.raw(`DROP TABLE public.${q(t)}`));
        await tx.execute(sql.raw(`ALTER TABLE ${q(schema)}.${q(t)} SET SCHEMA public`));
      }
      const [shadow] = await tx.execute<{ tx_id: string; position: string }>(sql.raw(`SELECT tx_id::text, position FROM ${q(schema)}._checkpoint WHERE id = 1`));
      // The shadow has applied every handled event below a horizon at least as recent as the one the
      // live checkpoint was taken under; the live one may stand further on, past events it ignores.
      const ck = live && after(pointOf(live), pointOf(shadow!)) ? live : shadow!;
      await tx.execute(sql`
        UPDATE projection_checkpoints SET tx_id = ${ck.tx_id}::xid8, position = ${ck.position}, version = ${def.version},
          status = 'running', last_error = NULL, failing_position = NULL, failing_attempts = 0, retry_after = NULL,
          events_applied = ${r.processed}, updated_at = now(),
          rebuild = ${JSON.stringify({ state: 'done', processed: r.processed, total: Math.max(total, r.processed), startedAt, finishedAt: new Date().toISOString() })}::jsonb
        WHERE name = ${def.name}`);
      // The rebuild applied every event of the log, parked ones included: they wait no longer (and a
      // later retry must not apply them twice), so a park-stream projection's streams flow again.
      await tx.execute(sql`UPDATE dead_letters SET resolved_at = now() WHERE projection = ${def.name} AND resolved_at IS NULL`);
      await tx.execute(sql.raw(`DROP SCHEMA ${q(schema)} CASCADE`));
      await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${def.name})`);
      return r.processed;
    });
    log.info({ projection: def.name, events: processed }, 'rebuild swapped in');
    return { events: processed };
  } catch (err) {
    await progress('error', 0, err instanceof Error ? err.message : String(err)).catch(() => undefined);
    throw err;
  }
}
