/**
 * Revenue report benchmark: reports.revenue for 90 days from the read model (daily_revenue)
 * against the same answer computed by GROUP BY over the write tables.
 *
 *   npx tsx bench/revenue.ts [--orders 1000000] [--runs 7] [--read-model projection|sql]
 *
 * Makes its own database (ll_bench_revenue_<random>) and fills the write tables by SQL: users,
 * products, `orders` orders over 90 days (90 % completed, 7 % declined, 3 % out of stock and
 * refunded) with their lines and gateway charges. The read model is then built the way production
 * builds it: the orders' events (OrderPlaced, OrderCompleted, OrderCancelled, PaymentRefunded) are
 * written to the log and the analytics projection is rebuilt from it (server/readside/rebuild.ts), so the
 * two answers come from independent code. `--read-model sql` fills daily_revenue by one INSERT …
 * SELECT … GROUP BY instead (quicker, but then the comparison only checks the query's shape).
 * Times, median of `runs`: reports.revenue with a cache miss (the read-model query), with a cache
 * hit, and the GROUP BY on the write tables; checks that the answers are equal. Target: ≥ 100×.
 */
import { createServices } from '@/server/services';
import { env } from '@/server/env';
import { createLogger } from '@/server/log';
import { revenue } from '@/server/queries/reports';
import type { RevenueDay } from '@/server/queries/reports';
import { analyticsProjection } from '@/server/projections/analytics';
import { ProjectionRunner } from '@/server/readside/projection-runner';
import { rebuildProjection } from '@/server/readside/rebuild';
import { uuidSql } from '@/testkit/event-log';
import { arg, int, loadNow, machine, median, ms, textArg, withBenchDatabase } from './lib/readside';

const ORDERS = arg('orders', 1_000_000);
const RUNS = arg('runs', 7);
const READ_MODEL = textArg('read-model', 'projection');
const FROM = '2025-01-01';
const TO = '2025-03-31'; // 90 days
const USERS = Math.max(100, Math.round(ORDERS / 20));
const PRODUCTS = 2000;
const CHUNK = 100_000;
const log = createLogger('bench-revenue', 'warn');

/** The report's answer from the write model: completed and cancelled by the day they settled, placed by the day placed, refunds by the day refunded. */
const writeSideRevenue = `
  WITH days AS (SELECT d::date AS day FROM generate_series($1::date, $2::date, interval '1 day') AS d),
  settled AS (
    SELECT (updated_at AT TIME ZONE 'UTC')::date AS day, count(*) FILTER (WHERE status = 'completed') AS completed,
      sum(total_cents) FILTER (WHERE status = 'completed') AS revenue, count(*) FILTER (WHERE status = 'cancelled') AS cancelled
    FROM orders WHERE currency = 'USD' AND status IN ('completed', 'cancelled')
      AND updated_at >= $1::date AND updated_at < $2::date + 1 GROUP BY 1),
  placed AS (
    SELECT (placed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS placed FROM orders
    WHERE currency = 'USD' AND placed_at >= $1::date AND placed_at < $2::date + 1 GROUP BY 1),
  refunded AS (
    SELECT (g.refunded_at AT TIME ZONE 'UTC')::date AS day, sum(g.amount_cents) AS refunded
    FROM gateway_charges g JOIN orders o ON o.id = g.order_id
    WHERE o.currency = 'USD' AND g.status = 'refunded' AND g.refunded_at >= $1::date AND g.refunded_at < $2::date + 1 GROUP BY 1)
  SELECT to_char(days.day, 'YYYY-MM-DD') AS day, 'USD' AS currency, COALESCE(s.completed, 0)::int AS "completedCount",
    COALESCE(s.revenue, 0)::float8 AS "revenueCents",
    CASE WHEN COALESCE(s.completed, 0) = 0 THEN 0 ELSE round(s.revenue::numeric / s.completed)::float8 END AS "avgOrderValueCents",
    COALESCE(p.placed, 0)::int AS "placedCount", COALESCE(s.cancelled, 0)::int AS "cancelledCount", COALESCE(r.refunded, 0)::float8 AS "refundedCents"
  FROM days LEFT JOIN settled s ON s.day = days.day LEFT JOIN placed p ON p.day = days.day LEFT JOIN refunded r ON r.day = days.day
  ORDER BY days.day`;

await withBenchDatabase('revenue', async (db) => {
  for (const line of await machine(db.url, env().REDIS_URL)) console.log(line);
  const s = createServices({ databaseUrl: db.url, redisUrl: env().REDIS_URL, prefix: db.prefix, poolMax: 4, appName: 'll-bench-revenue' });
  try {
    const sql = s.write.sql;
    let t0 = performance.now();
    await sql.unsafe(`
      INSERT INTO users (id, email, name, created_at, version)
      SELECT ${uuidSql('user', 'u')}, 'user' || u || '@bench.test', 'User ' || u, '2024-12-01'::timestamptz + u * interval '1 second', 1
      FROM generate_series(0, ${USERS - 1}) AS u`);
    await sql.unsafe(`
      INSERT INTO products (id, sku, name, price_cents, on_hand, reserved, created_at, version)
      SELECT ${uuidSql('product', 'p')}, 'SKU-' || lpad(p::text, 6, '0'), 'Product ' || p, 500 + (p * 37) % 9500, 1000000000, 0, '2024-12-01', 1
      FROM generate_series(0, ${PRODUCTS - 1}) AS p`);
    // Order i: placed over the 90 days; settled 1 to 180 minutes later (some the next day);
    // 1–3 lines; outcome by i: 7 % declined, 3 % out of stock (charged, then refunded), else completed.
    for (let lo = 0; lo < ORDERS; lo += CHUNK) {
      const hi = Math.min(ORDERS, lo + CHUNK) - 1;
      await sql.unsafe(`
        WITH o AS (
          SELECT i, ${uuidSql('order', 'i')} AS id, ${uuidSql('user', `i % ${USERS}`)} AS user_id,
            '${FROM}'::timestamptz + (i::float8 / ${ORDERS}) * interval '90 days' AS placed_at,
            CASE WHEN i % 100 < 7 THEN 'declined' WHEN i % 100 < 10 THEN 'out_of_stock' ELSE 'completed' END AS outcome
          FROM generate_series(${lo}, ${hi}) AS i
        ), l AS (
          SELECT o.i, k, ${uuidSql('product', `(o.i * 7 + k * 13) % ${PRODUCTS}`)} AS product_id, 1 + (o.i + k) % 4 AS quantity,
            500 + (((o.i * 7 + k * 13) % ${PRODUCTS}) * 37) % 9500 AS price
          FROM o, generate_series(0, o.i % 3) AS k
        ), ins_lines AS (
          INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
          SELECT ${uuidSql('order', 'l.i')}, k + 1, product_id, quantity, price FROM l
        ), totals AS (SELECT i, sum(quantity * price)::int AS total FROM l GROUP BY i),
        ins_orders AS (
          INSERT INTO orders (id, user_id, status, total_cents, currency, payment_token, cancel_reason, placed_at, updated_at, version)
          SELECT o.id, o.user_id, CASE o.outcome WHEN 'completed' THEN 'completed' ELSE 'cancelled' END, t.total, 'USD', 'tok_ok',
            CASE o.outcome WHEN 'declined' THEN 'payment_failed' WHEN 'out_of_stock' THEN 'out_of_stock' END,
            o.placed_at, o.placed_at + (1 + o.i % 180) * interval '1 minute', 4
          FROM o JOIN totals t USING (i)
        )
        INSERT INTO gateway_charges (order_id, amount_cents, status, charge_id, charged_at, refunded_at)
        SELECT o.id, t.total, CASE o.outcome WHEN 'declined' THEN 'declined' WHEN 'out_of_stock' THEN 'refunded' ELSE 'charged' END,
          'ch_' || o.i, o.placed_at + interval '1 second',
          CASE WHEN o.outcome = 'out_of_stock' THEN o.placed_at + (1 + o.i % 180) * interval '1 minute' END
        FROM o JOIN totals t USING (i)`);
    }
    await sql`VACUUM ANALYZE users, products, orders, order_lines, gateway_charges`;
    const [counts] = await sql<
      { orders: string; lines: string }[]
    >`SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines`;
    console.log(
      `write tables: ${int(Number(counts!.orders))} orders with ${int(Number(counts!.lines))} lines over 90 days (${FROM} … ${TO}), ${int(USERS)} users, ${int(PRODUCTS)} products; filled by SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    t0 = performance.now();
    const runner = new ProjectionRunner(s.write, s.read, [analyticsProjection], log);
    await runner.ensureCheckpoints();
    if (READ_MODEL === 'sql') {
      await sql.unsafe(
        `
        INSERT INTO daily_revenue (day, currency, placed_count, completed_count, cancelled_count, revenue_cents, refunded_cents)
        SELECT day::date, currency, "placedCount", "completedCount", "cancelledCount", "revenueCents", "refundedCents"
        FROM (${writeSideRevenue}) AS w`,
        [FROM, TO],
      );
      console.log(`read model: daily_revenue filled by INSERT … SELECT … GROUP BY in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      // The orders' history as events, then the analytics projection rebuilt from the log.
      const meta = `jsonb_build_object('correlationId', o.id, 'causationId', NULL, 'commandId', o.id, 'actor', 'bench')`;
      for (let lo = 0; lo < ORDERS; lo += CHUNK) {
        await sql.unsafe(`
          WITH o AS (
            SELECT o.*, g.status AS charge, g.refunded_at,
              (SELECT jsonb_agg(jsonb_build_object('productId', l.product_id, 'name', p.name, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.line_no)
               FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS lines,
              (SELECT jsonb_agg(jsonb_build_object('productId', l.product_id, 'sku', p.sku, 'name', p.name, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.line_no)
               FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS placed_lines
            FROM orders o JOIN gateway_charges g ON g.order_id = o.id
            WHERE o.placed_at >= '${FROM}'::timestamptz + (${lo}::float8 / ${ORDERS}) * interval '90 days'
              AND o.placed_at < '${FROM}'::timestamptz + (${Math.min(ORDERS, lo + CHUNK)}::float8 / ${ORDERS}) * interval '90 days'
          ), e AS (
            SELECT o.id, 1 AS v, 'OrderPlaced' AS type, 2 AS sv, o.placed_at AS at, jsonb_build_object('orderId', o.id, 'userId', o.user_id,
              'lines', o.placed_lines,
              'totalCents', o.total_cents, 'paymentToken', o.payment_token, 'currency', o.currency) AS data, ${meta} AS meta FROM o
            UNION ALL
            SELECT o.id, 2, 'OrderCompleted', 1, o.updated_at, jsonb_build_object('orderId', o.id, 'userId', o.user_id, 'totalCents', o.total_cents,
              'currency', o.currency, 'lines', o.lines), ${meta} FROM o WHERE o.status = 'completed'
            UNION ALL
            SELECT o.id, 2, 'PaymentRefunded', 1, o.refunded_at, jsonb_build_object('orderId', o.id, 'amountCents', o.total_cents, 'currency', o.currency), ${meta}
            FROM o WHERE o.charge = 'refunded'
            UNION ALL
            SELECT o.id, 3, 'OrderCancelled', 1, o.updated_at, jsonb_build_object('orderId', o.id, 'userId', o.user_id, 'reason', o.cancel_reason,
              'currency', o.currency, 'released', '[]'::jsonb), ${meta} FROM o WHERE o.status = 'cancelled'
          )
          INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
          SELECT ${uuidSql('evt', "e.id::text || '.' || e.type")}, 'order-' || e.id, e.v, e.type, e.sv, e.data, e.meta, e.at FROM e ORDER BY e.at, e.id, e.v`);
      }
      await sql`VACUUM ANALYZE events`;
      const [n] = await sql<{ n: string }[]>`SELECT count(*) AS n FROM events`;
      const written = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const r = await rebuildProjection(s.read, s.write, analyticsProjection, log);
      const rebuilt = (performance.now() - t0) / 1000;
      console.log(
        `read model: ${int(Number(n!.n))} events written from the orders in ${written.toFixed(1)} s; analytics rebuilt from them in ${rebuilt.toFixed(1)} s (${int(r.events / rebuilt)} events/s)`,
      );
    }

    const clearCache = async () => {
      const keys = await s.redis.keys(`${db.prefix}:q:*`);
      if (keys.length) await s.redis.unlink(...keys);
    };
    const time = async <T>(f: () => Promise<T>) => {
      const t = performance.now();
      const v = await f();
      return { v, ms: performance.now() - t };
    };

    const miss: number[] = [];
    const hit: number[] = [];
    const group: number[] = [];
    let fromReadModel: RevenueDay[] = [];
    let fromWriteModel: RevenueDay[] = [];
    // Warm both paths once, then interleave the runs.
    await revenue(s, { from: FROM, to: TO });
    await sql.unsafe(writeSideRevenue, [FROM, TO]);
    for (let run = 0; run < RUNS; run++) {
      await clearCache();
      const m = await time(() => revenue(s, { from: FROM, to: TO }));
      miss.push(m.ms);
      fromReadModel = m.v.data;
      hit.push((await time(() => revenue(s, { from: FROM, to: TO }))).ms);
      const g = await time(() => sql.unsafe<RevenueDay[]>(writeSideRevenue, [FROM, TO]));
      group.push(g.ms);
      fromWriteModel = [...g.v];
    }
    const equal = JSON.stringify(fromReadModel) === JSON.stringify(fromWriteModel);
    const total = fromReadModel.reduce((a, d) => a + d.revenueCents, 0);
    console.log(
      `answers: ${fromReadModel.length} days, ${int(fromReadModel.reduce((a, d) => a + d.completedCount, 0))} completed orders, revenue ${int(total / 100)} USD; read model and write tables ${equal ? 'EQUAL' : 'DIFFER'}`,
    );
    if (!equal) {
      const diff = fromReadModel
        .map((d, i) => [d, fromWriteModel[i]])
        .filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b))
        .slice(0, 3);
      console.log(JSON.stringify(diff, null, 1));
      process.exitCode = 1;
    }
    console.log('');
    console.log(`medians over ${RUNS} runs (90 days):`);
    console.log(`  reports.revenue, cache miss (read model: 90 rows of daily_revenue)  ${ms(median(miss)).padStart(7)} ms`);
    console.log(`  reports.revenue, cache hit (Redis)                                   ${ms(median(hit)).padStart(7)} ms`);
    console.log(`  GROUP BY over the write tables (orders, gateway_charges)            ${ms(median(group)).padStart(7)} ms`);
    const speedup = median(group) / median(miss);
    console.log(
      `  speed-up of the read model: ${speedup.toFixed(0)}× on a cache miss, ${(median(group) / median(hit)).toFixed(0)}× on a hit — target ≥ 100×: ${speedup >= 100 ? 'met' : 'MISSED'}`,
    );
    console.log(loadNow());
  } finally {
    await s.close();
  }
});
process.exit(process.exitCode ?? 0);
