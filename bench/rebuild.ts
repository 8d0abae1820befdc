/**
 * Rebuild benchmark: how fast server/readside/rebuild.ts rebuilds each read model from the event log.
 *
 *   npx tsx bench/rebuild.ts [--events 1000000] [--runs 3] [--only user_profile]
 *
 * Makes its own database (ll_bench_rebuild_<random>), fills the log with a realistic history by SQL
 * (testkit/event-log.ts: users, products, orders with their whole saga, logins, restocks,
 * price changes; one OrderPlaced in ten at schema v1), then times rebuildProjection for each
 * projection, `runs` times (median reported). Baseline, same run: the bare floor of the same
 * pipeline — read the log in the same batches and upsert one row per event with
 * INSERT … SELECT FROM jsonb_to_recordset — no upcasting, no projection logic. It runs once over every
 * event and once per projection over just the event types that projection handles (the same
 * filtered read as the rebuild), so a projection that handles a tenth of the log is compared with
 * the bare pipeline moving that same tenth; each figure is printed beside its ceiling, as a fraction. Then all of them rebuilt together (rebuildProjections: one pass over the
 * log, each event parsed once for all). Target: ≥ 0.8 of the baseline. Drops the database at the end.
 */
import { sql as dsql } from 'drizzle-orm';
import { connect } from '@/db/client';
import { env } from '@/server/env';
import { createLogger } from '@/server/log';
import { projections } from '@/server/projections/registry';
import type { ProjectionDefinition } from '@/server/projections/types';
import { rebuildProjection, rebuildProjections } from '@/server/readside/rebuild';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { insertSyntheticLog, sizeFor } from '@/testkit/event-log';
import { arg, int, loadNow, machine, median, textArg, withBenchDatabase } from './lib/readside';

const EVENTS = arg('events', 1_000_000);
const RUNS = arg('runs', 3);
const ONLY = textArg('only', '');
const BATCH = 5000; // as server/readside/rebuild.ts
/** Each rebuild at this fraction of the bare baseline (issue 10). */
const TARGET = 0.8;
const log = createLogger('bench-rebuild', 'warn');

await withBenchDatabase('rebuild', async (db) => {
  for (const line of await machine(db.url, env().REDIS_URL)) console.log(line);
  const h = connect(db.url, { max: 4, appName: 'll-bench-rebuild' });
  try {
    const size = sizeFor(EVENTS);
    let t0 = performance.now();
    const inserted = await insertSyntheticLog(h.sql, { ...size, chunkOrders: 10_000 });
    const insertS = (performance.now() - t0) / 1000;
    await h.sql`VACUUM ANALYZE events`;
    console.log(
      `log: ${int(inserted)} events (${int(size.users)} users, ${int(size.products)} products, ${int(size.orders)} orders over 90 days), inserted by SQL in ${insertS.toFixed(1)} s`,
    );
    const types = await h.sql<{ type: string; n: string }[]>`SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY 2 DESC`;
    console.log(`types: ${types.map((r) => `${r.type} ${int(Number(r.n))}`).join(', ')}`);
    console.log(`batch ${BATCH} events (as server/readside/rebuild.ts); ${RUNS} runs each, median reported`);
    console.log('');

    const runner = new ProjectionRunner(h, h, projections, log);
    await runner.ensureCheckpoints();
    await h.sql`CREATE TABLE bench_baseline (position bigint PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL)`;

    /** Baseline: the same batched read of the log (of these types, or all), one bare upsert per batch. */
    const baseline = async (types?: readonly string[]) => {
      await h.sql`TRUNCATE bench_baseline`;
      let from = { tx: '0', pos: 0 };
      let n = 0;
      const started = performance.now();
      for (;;) {
        const rows = await h.sql<{ position: string; tx_id: string; stream_id: string; type: string; data: unknown }[]>`
          SELECT position, tx_id::text, stream_id, type, data FROM events
          WHERE (tx_id, position) > (${from.tx}::xid8, ${from.pos}) ${types ? h.sql`AND type = ANY(${types as string[]})` : h.sql``}
          ORDER BY events.tx_id, events.position LIMIT ${BATCH}`;
        if (rows.length === 0) break;
        const last = rows[rows.length - 1]!;
        from = { tx: last.tx_id, pos: Number(last.position) };
        await h.db.transaction(async (tx) => {
          await tx.execute(dsql`
            INSERT INTO bench_baseline (position, stream_id, type, data)
            SELECT position, stream_id, type, data FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ position: Number(r.position), stream_id: r.stream_id, type: r.type, data: r.data })))}::jsonb)
              AS v(position bigint, stream_id text, type text, data jsonb)
            ON CONFLICT (position) DO UPDATE SET data = excluded.data`);
        });
        n += rows.length;
      }
      return { events: n, seconds: (performance.now() - started) / 1000 };
    };

    /** A projection with its applyBatch timed, so a run splits into applying and everything else (reading, parsing, checkpoints). */
    const timed = (def: ProjectionDefinition) => {
      const spent = { apply: 0 };
      const wrapped: ProjectionDefinition = {
        ...def,
        async applyBatch(tx, events) {
          const t = performance.now();
          try {
            await def.applyBatch(tx, events);
          } finally {
            spent.apply += performance.now() - t;
          }
        },
      };
      return { wrapped, spent };
    };

    const defs = projections.filter((d) => !ONLY || d.name === ONLY);
    const results = new Map<string, { events: number; seconds: number[]; apply: number[]; ceiling: number[] }>();
    const combined: { events: number; seconds: number[] } = { events: 0, seconds: [] };
    const base: number[] = [];
    const ofBase = (rate: number, b: number) => `${(rate / b).toFixed(2)} of the baseline's ${int(b)}`;
    for (let run = 1; run <= RUNS; run++) {
      const b = await baseline();
      const bRate = b.events / b.seconds;
      base.push(bRate);
      console.log(
        `run ${run}: baseline (batched read + bare jsonb_to_recordset upsert of every event): ${int(b.events)} events in ${b.seconds.toFixed(2)} s = ${int(bRate)} events/s`,
      );
      for (const def of defs) {
        const own = await baseline(def.handles);
        const { wrapped, spent } = timed(def);
        t0 = performance.now();
        const r = await rebuildProjection(h, h, wrapped, log);
        const s = (performance.now() - t0) / 1000;
        const entry = results.get(def.name) ?? { events: r.events, seconds: [], apply: [], ceiling: [] };
        entry.seconds.push(s);
        entry.ceiling.push(own.events / own.seconds);
        entry.apply.push(spent.apply / 1000);
        results.set(def.name, entry);
        console.log(
          `run ${run}: ${def.name.padEnd(13)} ${int(r.events).padStart(9)} events in ${s.toFixed(2).padStart(6)} s = ${int(r.events / s).padStart(7)} events/s = ${ofBase(r.events / s, bRate)} (applyBatch ${(spent.apply / 1000).toFixed(2)} s; reading, upcasting, checkpoints ${(s - spent.apply / 1000).toFixed(2)} s); bare upsert of the same ${int(own.events)} events ${int(own.events / own.seconds)} events/s = ${(r.events / s / (own.events / own.seconds)).toFixed(2)} of it`,
        );
      }
      if (defs.length > 1) {
        t0 = performance.now();
        const all = await rebuildProjections(h, h, defs, log);
        const s = (performance.now() - t0) / 1000;
        combined.events = all.reduce((a, r) => a + r.events, 0);
        combined.seconds.push(s);
        console.log(
          `run ${run}: all ${defs.length} together (one pass) ${int(combined.events)} events in ${s.toFixed(2)} s = ${int(combined.events / s)} events/s = ${ofBase(combined.events / s, bRate)}`,
        );
      }
    }

    console.log('');
    console.log(`medians over ${RUNS} run(s), log of ${int(inserted)} events:`);
    console.log(`  baseline (bare batched upsert, every event)  ${int(median(base)).padStart(7)} events/s`);
    let allEvents = 0;
    let allSeconds = 0;
    for (const [name, r] of results) {
      const s = median(r.seconds);
      allEvents += r.events;
      allSeconds += s;
      const rate = r.events / s;
      const ceiling = median(r.ceiling);
      console.log(
        `  ${name.padEnd(13)} ${int(r.events).padStart(9)} events  ${s.toFixed(2).padStart(6)} s  ${int(rate).padStart(7)} events/s = ${ofBase(rate, median(base))}; bare upsert of the same events ${int(ceiling)} events/s = ${(rate / ceiling).toFixed(2)} of it  (applyBatch ${median(r.apply).toFixed(2)} s)  ${rate >= TARGET * ceiling ? 'meets' : 'MISSES'} the ${TARGET} target`,
      );
    }
    if (results.size > 1)
      console.log(
        `  all ${results.size}, one by one  ${int(allEvents).padStart(9)} events  ${allSeconds.toFixed(2).padStart(6)} s  ${int(allEvents / allSeconds).padStart(7)} events/s = ${ofBase(allEvents / allSeconds, median(base))}`,
      );
    if (combined.seconds.length) {
      const s = median(combined.seconds);
      console.log(
        `  all ${defs.length} together  ${int(combined.events).padStart(9)} events  ${s.toFixed(2).padStart(6)} s  ${int(combined.events / s).padStart(7)} events/s = ${ofBase(combined.events / s, median(base))} (one pass over the log)`,
      );
    }
    console.log(loadNow());
  } finally {
    await h.close();
  }
});
process.exit(0);
