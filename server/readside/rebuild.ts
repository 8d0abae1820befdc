import { sql } from 'drizzle-orm';
import type { DbHandle, Tx } from '@/db/client';
import type { ConsumerDefinition } from './consumer';
import type { ProjectedEvent, StoredEvent } from '@/server/domain/events';
import { after, readEvents, safeHorizon, type LogPoint } from '@/server/readside/log';
import { PROJECTIONS_CHANNEL } from '@/server/readside/channels';
import type { Logger } from '@/server/log';

const BATCH = 5000;
/** How often a rebuild's progress is written for the portal. */
const PROGRESS_MS = 500;
/** A place in the log, from a row (`tx_id` as text) or an event (`txId`). */
const pointOf = (r: { tx_id: string; position: string | number } | { txId: string; position: number }): LogPoint => ({
  txId: BigInt('txId' in r ? r.txId : r.tx_id),
  position: Number(r.position),
});

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A read model being rebuilt: its definition, its shadow schema and what the rebuild reports. */
interface Shadow {
  def: ConsumerDefinition;
  schema: string;
  /** Secondary indexes, built after the bulk load. */
  later: string[];
  handles: Set<string>;
  progress(state: string, processed: number, error?: string): Promise<unknown>;
  finished(processed: number): string;
}

/**
 * Makes (or finds, when resuming) the shadow tables of a read model in schema `rebuild_<name>`.
 * The shadow gets its keys and unique indexes now (upserts need them) and its other indexes
 * (trigram, full text, secondary) only after the bulk load: building them once is far cheaper
 * than maintaining them row by row while hundreds of thousands of events are applied.
 */
async function prepareShadow(read: DbHandle, source: DbHandle, def: ConsumerDefinition): Promise<Shadow> {
  const schema = `rebuild_${def.name}`;
  const later: string[] = [];
  // How many events there are to apply, counted on another connection meanwhile.
  const counted = source.sql<{ n: string }[]>`SELECT count(*) AS n FROM events WHERE type = ANY(${def.handles as string[]})`.execute();
  counted.catch(() => undefined); // awaited below; not unhandled if making the shadow fails first
  // One transaction: the shadow appears whole (or, resuming, is found as it was), with one commit.
  await read.sql.begin(async (tx) => {
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
    for (const t of def.tables) {
      // Whether the shadow exists (resuming), and the live table's storage parameters: LIKE copies
      // none, so the shadow takes them (say, a fillfactor that leaves room for updates on their
      // page) and keeps them once swapped in; a shadow found from an interrupted rebuild gets them too.
      const [exists] = await tx<{ n: number; options: string | null }[]>`
        SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = ${schema} AND tablename = ${t}) AS n,
          (SELECT array_to_string(c.reloptions, ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relname = ${t}) AS options`;
      const indexes = await tx<{ name: string; def: string; is_unique: boolean; constraint_def: string | null }[]>`
        SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, x.indisunique AS is_unique,
               (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) AS constraint_def
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE n.nspname = 'public' AND r.relname = ${t} ORDER BY i.relname`;
      const onShadow = (d: string) =>
        d
          .replace(` ON public.${t} `, ` ON ${q(schema)}.${q(t)} `)
          .replace(' ON public.', ` ON ${q(schema)}.`)
          .replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
      const options = exists?.options;
      if (exists?.n && options) await tx.unsafe(`ALTER TABLE ${q(schema)}.${q(t)} SET (${options})`);
      if (!exists?.n) {
        const withOptions = options ? ` WITH (${options})` : '';
        await tx.unsafe(`CREATE TABLE ${q(schema)}.${q(t)} (LIKE public.${q(t)} INCLUDING ALL EXCLUDING INDEXES)${withOptions}`);
        for (const ix of indexes) {
          if (ix.constraint_def) await tx.unsafe(`ALTER TABLE ${q(schema)}.${q(t)} ADD CONSTRAINT ${q(ix.name)} ${ix.constraint_def}`);
          else if (ix.is_unique) await tx.unsafe(onShadow(ix.def));
        }
      }
      for (const ix of indexes) if (!ix.is_unique && !ix.constraint_def) later.push(onShadow(ix.def));
    }
    await tx.unsafe(
      `CREATE TABLE IF NOT EXISTS ${q(schema)}._checkpoint (id int PRIMARY KEY, tx_id xid8 NOT NULL DEFAULT '0', position bigint NOT NULL DEFAULT 0, processed bigint NOT NULL DEFAULT 0)`,
    );
    await tx.unsafe(`INSERT INTO ${q(schema)}._checkpoint (id) VALUES (1) ON CONFLICT DO NOTHING`);
  });
  const [count] = await counted;
  const total = Number(count?.n ?? 0);
  const startedAt = new Date().toISOString();
  const state = (s: string, processed: number, extra: object = {}) =>
    JSON.stringify({ state: s, processed, total: Math.max(total, processed), startedAt, ...extra });
  return {
    def,
    schema,
    later,
    handles: new Set(def.handles),
    progress: (s, processed, error) => read.sql`
      UPDATE projection_checkpoints SET rebuild = ${state(s, processed, error ? { error } : {})}::jsonb WHERE name = ${def.name}`,
    finished: (processed) => state('done', processed, { finishedAt: new Date().toISOString() }),
  };
}

/** `SET LOCAL search_path` to a shadow (the log's `events` and every other table are still found in public). */
const searchPath = (schema: string | null) => `SET LOCAL search_path TO ${schema ? `${q(schema)}, ` : ''}public`;

/**
 * One batch for every shadow of `group` inside `tx`: the log is read (and each event parsed and
 * upcast) once, from the earliest of their checkpoints, and each shadow applies the events of its
 * types past its own checkpoint, then stands at the batch's last event (it has seen every event of
 * its types up to there). Returns how many events were read and, per shadow, how many it applied.
 * Round trips are few, as a rebuild makes thousands of them: the checkpoints are locked, the
 * horizon taken and the first shadow's search_path set in one statement; each checkpoint's update
 * carries the next search_path.
 */
async function shadowStep(tx: Tx, read: DbHandle, source: DbHandle, group: Shadow[]) {
  const logDb = source === read ? tx : source.db;
  const [row] = await tx.execute<Record<string, string>>(
    sql.raw(
      `SELECT ${group.map((_, i) => `c${i}.tx_id::text AS t${i}, c${i}.position AS p${i}, c${i}.processed AS n${i}`).join(', ')},
        ${logDb === tx ? 'pg_snapshot_xmin(pg_current_snapshot())::text' : 'NULL'} AS horizon,
        set_config('search_path', '${`${q(group[0]!.schema)}, public`.replace(/'/g, "''")}', true) AS path
      FROM ${group.map((sh, i) => `${q(sh.schema)}._checkpoint c${i}`).join(', ')}
      WHERE ${group.map((_, i) => `c${i}.id = 1`).join(' AND ')} FOR UPDATE`,
    ),
  );
  const cks = group.map((_, i) => ({
    from: pointOf({ tx_id: row![`t${i}`]!, position: row![`p${i}`]! }),
    processed: Number(row![`n${i}`]),
  }));
  const from = cks.reduce((a, c) => (after(a, c.from) ? c.from : a), cks[0]!.from);
  const types = [...new Set(group.flatMap((sh) => sh.def.handles))];
  const horizon = row!.horizon ? BigInt(row!.horizon) : await safeHorizon(logDb);
  // Projections are given events without their metadata (ProjectionDefinition): a group of them
  // reads the log without it; a process manager among them needs it.
  const lean = group.every((sh) => sh.def.kind === 'projection');
  const events: ProjectedEvent[] = await readEvents(logDb, from, horizon, types, BATCH, { byType: true, metadata: !lean });
  if (events.length === 0) {
    await tx.execute(sql.raw(searchPath(null)));
    return { read: 0, shadows: cks.map((c) => ({ applied: 0, processed: c.processed })) };
  }
  const end = pointOf(events[events.length - 1]!);
  const shadows: { applied: number; processed: number }[] = [];
  for (const [i, sh] of group.entries()) {
    const ck = cks[i]!;
    // Alone, a shadow's read is exactly its events past its checkpoint.
    const mine = !after(end, ck.from)
      ? []
      : group.length === 1
        ? events
        : events.filter((e) => sh.handles.has(e.type) && after(pointOf(e), ck.from));
    // Without metadata only when every consumer of the group is a projection, which takes ProjectedEvent[].
    if (mine.length) await sh.def.applyBatch(tx, mine as StoredEvent[]);
    const processed = ck.processed + mine.length;
    const next = group[i + 1]?.schema ?? null;
    // Simple protocol (no parameters): the two statements go in one round trip.
    await tx.execute(
      sql.raw(
        (after(end, ck.from)
          ? `UPDATE ${q(sh.schema)}._checkpoint SET tx_id = '${end.txId}'::xid8, position = ${end.position}, processed = ${processed} WHERE id = 1; `
          : '') + searchPath(next),
      ),
    );
    shadows.push({ applied: mine.length, processed });
  }
  return { read: events.length, shadows };
}

/**
 * Rebuilds a read model from the log into shadow tables in schema `rebuild_<name>` while the live
 * tables keep answering (and keep being updated), then swaps them in under the projection's
 * checkpoint lock. Resumable: the shadow keeps its own checkpoint, so a retried job continues.
 */
export async function rebuildProjection(
  read: DbHandle,
  source: DbHandle,
  def: ConsumerDefinition,
  log: Logger,
): Promise<{ events: number }> {
  const [r] = await rebuildProjections(read, source, [def], log);
  return r!;
}

/**
 * Rebuilds several read models of one database together: one pass over the log, each event read
 * and parsed once for all of them (a projection's events are only a part of the log), then each
 * is swapped in on its own, exactly as `rebuildProjection` swaps one.
 */
export async function rebuildProjections(
  read: DbHandle,
  source: DbHandle,
  defs: readonly ConsumerDefinition[],
  log: Logger,
): Promise<{ name: string; events: number }[]> {
  const group: Shadow[] = [];
  for (const def of defs) group.push(await prepareShadow(read, source, def));
  try {
    for (const sh of group) await sh.progress('running', 0);
    log.info({ projections: defs.map((d) => d.name) }, 'rebuild started');
    // A batch that is not full reached the horizon: the swap finishes what came after it.
    let shown = performance.now();
    const written = group.map(() => 0);
    for (let full = true; full;) {
      const r = await read.db.transaction((tx) => shadowStep(tx, read, source, group));
      full = r.read === BATCH;
      // Progress for the portal twice a second and after the last batch, not after every batch (a commit each).
      if (full && performance.now() - shown < PROGRESS_MS) continue;
      shown = performance.now();
      for (const [i, sh] of group.entries()) {
        const { processed } = r.shadows[i]!;
        if (processed !== written[i]) await sh.progress('running', (written[i] = processed));
      }
    }
    const done: { name: string; events: number }[] = [];
    for (const sh of group) done.push({ name: sh.def.name, events: await swapIn(read, source, sh) });
    for (const d of done) log.info({ projection: d.name, events: d.events }, 'rebuild swapped in');
    return done;
  } catch (err) {
    for (const sh of group) await sh.progress('error', 0, err instanceof Error ? err.message : String(err)).catch(() => undefined);
    throw err;
  }
}

/** Builds the shadow's secondary indexes, then, holding the live projection still, finishes its last events and swaps it in. */
async function swapIn(read: DbHandle, source: DbHandle, sh: Shadow): Promise<number> {
  const { def, schema } = sh;
  // Outside the swap's lock, so the live projection keeps running while they build; side by side,
  // each on its own connection (CREATE INDEX takes a share lock, which others' share locks allow).
  await Promise.all(sh.later.map((statement) => read.sql.unsafe(statement)));
  return read.db.transaction(async (tx) => {
    // Hold the live projection still, finish the last events, swap, and move its checkpoint.
    const [live] = await tx.execute<{ tx_id: string; position: string }>(sql`
      SELECT tx_id::text, position FROM projection_checkpoints WHERE name = ${def.name} FOR UPDATE`);
    let r = await tx.transaction((sp) => shadowStep(sp, read, source, [sh]));
    while (r.read === BATCH) r = await tx.transaction((sp) => shadowStep(sp, read, source, [sh]));
    const processed = r.shadows[0]!.processed;
    for (const t of def.tables) {
      await tx.execute(sql.raw(`DROP TABLE public.${q(t)}`));
      await tx.execute(sql.raw(`ALTER TABLE ${q(schema)}.${q(t)} SET SCHEMA public`));
    }
    const [shadow] = await tx.execute<{ tx_id: string; position: string }>(
      sql.raw(`SELECT tx_id::text, position FROM ${q(schema)}._checkpoint WHERE id = 1`),
    );
    // The shadow has applied every handled event below a horizon at least as recent as the one the
    // live checkpoint was taken under; the live one may stand further on, past events it ignores.
    const ck = live && after(pointOf(live), pointOf(shadow!)) ? live : shadow!;
    await tx.execute(sql`
      UPDATE projection_checkpoints SET tx_id = ${ck.tx_id}::xid8, position = ${ck.position}, version = ${def.version},
        status = 'running', last_error = NULL, failing_position = NULL, failing_attempts = 0, retry_after = NULL,
        events_applied = ${processed}, updated_at = now(), rebuild = ${sh.finished(processed)}::jsonb
      WHERE name = ${def.name}`);
    // The rebuild applied every event of the log, parked ones included: they wait no longer (and a
    // later retry must not apply them twice), so a park-stream projection's streams flow again.
    await tx.execute(sql`UPDATE dead_letters SET resolved_at = now() WHERE projection = ${def.name} AND resolved_at IS NULL`);
    await tx.execute(sql.raw(`DROP SCHEMA ${q(schema)} CASCADE`));
    await tx.execute(sql`SELECT pg_notify(${PROJECTIONS_CHANNEL}, ${def.name})`);
    return processed;
  });
}
