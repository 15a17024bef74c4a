import { join } from 'node:path';
import { DuckDbEngine, type Engine } from '../src/engine';
import { loadModel } from '../src/model/load';
import { forgetFits } from '../src/reports/clv/model';
import type { ReportContext } from '../src/reports/common/context';
import { REPORTS } from '../src/reports/registry';
import { runReport } from '../src/reports/run';
import { formatTable } from '../src/util/text-table';
import { fmt, median, option } from './util';
import { benchWarehouse } from './warehouse';

const ROOT = join(import.meta.dirname, '..');
const DONE = "status = 'completed' AND quantity > 0 AND unit_price >= 0";

/** Each case: a report with its parameters, and the best hand-written DuckDB SQL for the same output. */
interface Case {
  readonly name: string;
  readonly report: string;
  readonly params: object;
  readonly format?: 'json' | 'csv';
  readonly sql: string;
  /** Called before each timed run of the report: forgets what it keeps between runs. */
  readonly fresh?: () => void;
}

export const CASES: Case[] = [
  {
    name: 'rfm: segment counts',
    report: 'rfm',
    params: { as_of: '2026-07-01', limit: 0 },
    sql: `
      WITH c AS (SELECT customer_id, date_diff('day', max(ordered_at)::DATE, DATE '2026-07-01') AS r, count(DISTINCT order_id) AS f, sum(revenue) AS m
                 FROM fact_order_lines WHERE ${DONE} AND ordered_at < '2026-07-01' AND customer_id IS NOT NULL GROUP BY 1),
           s AS (SELECT 1 + floor(5 * (rank() OVER (ORDER BY r DESC) - 1) / count(*) OVER ()) AS rs,
                        1 + floor(5 * (rank() OVER (ORDER BY f) - 1) / count(*) OVER ()) AS fs, m FROM c)
      SELECT CASE WHEN rs = 5 AND fs >= 4 THEN 'Champions' WHEN rs BETWEEN 3 AND 4 AND fs >= 4 THEN 'Loyal Customers'
                  WHEN rs >= 4 AND fs BETWEEN 2 AND 3 THEN 'Potential Loyalist' WHEN rs = 5 AND fs = 1 THEN 'New Customers'
                  WHEN rs = 4 AND fs = 1 THEN 'Promising' WHEN rs = 3 AND fs = 3 THEN 'Need Attention'
                  WHEN rs = 3 AND fs <= 2 THEN 'About To Sleep' WHEN rs <= 2 AND fs BETWEEN 3 AND 4 THEN 'At Risk'
                  WHEN rs <= 2 AND fs = 5 THEN 'Can''t Lose Them' WHEN rs <= 2 AND fs <= 2 THEN 'Hibernating' ELSE 'Others' END AS seg,
             count(*), sum(m) FROM s GROUP BY 1`,
  },
  {
    name: 'rfm: per-customer CSV (all customers)',
    report: 'rfm',
    params: { as_of: '2026-07-01' },
    format: 'csv',
    sql: `
      COPY (WITH c AS (SELECT customer_id, date_diff('day', max(ordered_at)::DATE, DATE '2026-07-01') AS recency_days, count(DISTINCT order_id) AS frequency,
                              sum(revenue) AS monetary FROM fact_order_lines WHERE ${DONE} AND ordered_at < '2026-07-01' AND customer_id IS NOT NULL GROUP BY 1)
            SELECT customer_id, recency_days, frequency, monetary,
                   1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ()) AS r_score,
                   1 + floor(5 * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ()) AS f_score,
                   1 + floor(5 * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ()) AS m_score
            FROM c ORDER BY customer_id) TO '/tmp/rapport-bench-rfm.csv' (HEADER)`,
  },
  {
    name: 'cohort: monthly matrix',
    report: 'cohort',
    params: { as_of: '2026-07-01' },
    sql: `
      WITH l AS MATERIALIZED (SELECT customer_id, order_id, date_trunc('month', ordered_at) AS p, revenue FROM fact_order_lines
                 WHERE ${DONE} AND customer_id IS NOT NULL AND ordered_at < '2026-07-01'),
           f AS (SELECT customer_id, min(p) AS c FROM l GROUP BY 1),
           a AS (SELECT f.c, date_diff('month', f.c, l.p) AS k, count(DISTINCT l.customer_id) AS n, sum(l.revenue) AS r,
                        count(DISTINCT l.order_id) AS o FROM l JOIN f USING (customer_id) GROUP BY 1, 2),
           s AS (SELECT c, count(*) AS size FROM f GROUP BY 1)
      SELECT a.c, a.k, s.size, a.n, a.n / s.size, a.r, sum(a.r) OVER (PARTITION BY a.c ORDER BY a.k) / s.size, a.o
      FROM a JOIN s USING (c)`,
  },
  {
    name: 'campaign ROI: last touch',
    report: 'campaign-roi',
    params: { as_of: '2026-07-01', compare_models: false },
    sql: `
      WITH l AS MATERIALIZED (SELECT f.order_id, f.customer_id, f.ordered_at, f.revenue, f.revenue - f.quantity * p.unit_cost AS margin
                 FROM fact_order_lines f LEFT JOIN dim_product p USING (product_key)
                 WHERE ${DONE.replaceAll(/(status|quantity|unit_price)/g, 'f.$1')} AND f.customer_id IS NOT NULL AND f.ordered_at < '2026-07-01'),
           o AS (SELECT order_id, any_value(customer_id) AS customer_id, min(ordered_at) AS ts, sum(revenue) AS revenue, sum(margin) AS margin
                 FROM l GROUP BY 1),
           firsts AS (SELECT customer_id, arg_min(order_id, ts) AS first_order FROM o GROUP BY 1),
           r AS MATERIALIZED (SELECT * FROM fact_campaign_responses WHERE occurred_at < '2026-07-01'),
           reach AS (SELECT campaign_id,
                            count(DISTINCT customer_id) FILTER (WHERE event = 'sent' AND "group" = 'target') AS sent,
                            count(DISTINCT customer_id) FILTER (WHERE event = 'delivered' AND "group" = 'target') AS delivered,
                            count(DISTINCT customer_id) FILTER (WHERE event = 'opened' AND "group" = 'target') AS opened,
                            count(DISTINCT customer_id) FILTER (WHERE event = 'clicked' AND "group" = 'target') AS clicked,
                            count(DISTINCT customer_id) FILTER (WHERE event = 'converted' AND "group" = 'target') AS converted,
                            count(DISTINCT customer_id) FILTER (WHERE "group" = 'control') AS control,
                            count(DISTINCT customer_id) FILTER (WHERE "group" = 'control' AND event = 'converted') AS control_converted,
                            sum(cost) AS cost FROM r GROUP BY 1),
           t AS (SELECT customer_id, campaign_id, occurred_at AS ts FROM r
                 WHERE "group" = 'target' AND event IN ('clicked', 'responded', 'converted')),
           last AS (SELECT o.order_id, o.customer_id, o.revenue, o.margin, t.campaign_id FROM o
                    ASOF JOIN t ON t.customer_id = o.customer_id AND t.ts <= o.ts WHERE t.ts >= o.ts - INTERVAL 30 DAY),
           a AS (SELECT campaign_id, count(*) AS orders, sum(revenue) AS revenue, sum(margin) AS margin,
                        count(DISTINCT last.customer_id) FILTER (WHERE order_id = first_order) AS new_customers
                 FROM last JOIN firsts USING (customer_id) GROUP BY 1)
      SELECT reach.*, a.*, (a.revenue - coalesce(c.cost, reach.cost)) / coalesce(c.cost, reach.cost) AS roi,
             coalesce(c.cost, reach.cost) / a.new_customers AS cac,
             reach.converted / reach.sent - reach.control_converted / NULLIF(reach.control, 0) AS uplift
      FROM reach FULL JOIN a USING (campaign_id) LEFT JOIN dim_campaign c USING (campaign_id)`,
  },
  {
    // The baseline is the monthly series alone: fitting six methods from 12 backtest origins runs
    // in JavaScript on 30 numbers, so the ratio is the cost of the modelling on top of the SQL.
    name: 'forecast: monthly revenue, auto (baseline: the series SQL)',
    report: 'forecast',
    params: { as_of: '2026-07-01' },
    sql: `SELECT date_trunc('month', ordered_at) AS p, sum(revenue) FROM fact_order_lines
          WHERE ${DONE} AND ordered_at < '2026-07-01' GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'pipeline forecast: by close month and category',
    report: 'pipeline-forecast',
    params: { as_of: '2026-07-01' },
    sql: `
      WITH cur AS (SELECT deal_id, arg_max(stage, entered_at) AS stage, arg_max_null(amount, entered_at) AS amount,
                          arg_max_null(probability, entered_at) AS p, arg_max_null(expected_close_at, entered_at) AS close
                   FROM fact_deal_stages WHERE entered_at < '2026-07-01' GROUP BY 1)
      SELECT date_trunc('month', close) AS period,
             CASE WHEN p >= 0.9 THEN 'commit' WHEN p >= 0.5 THEN 'best_case' ELSE 'pipeline' END AS category,
             count(*), sum(amount), sum(amount * p)
      FROM cur WHERE stage NOT IN ('won', 'lost') GROUP BY ALL`,
  },
  {
    // The baseline is the SQL part: RFM features, log1p and z-scores of every customer. The
    // report adds the deterministic 10,000-customer sample, choosing k (k-means starts and
    // silhouettes on its first 2,000, JS), the chosen k's fit on the sample, and the clusters'
    // profiles over everyone.
    name: 'segments: k-means, auto k (baseline: the feature SQL)',
    report: 'segments',
    params: { as_of: '2026-07-01', limit: 0 },
    sql: `
      WITH c AS (SELECT customer_id, ln(1 + date_diff('day', max(ordered_at)::DATE, DATE '2026-07-01')) AS r,
                        ln(1 + count(DISTINCT order_id)) AS f, ln(1 + sum(revenue)) AS m
                 FROM fact_order_lines WHERE ${DONE} AND ordered_at < '2026-07-01' AND customer_id IS NOT NULL GROUP BY 1)
      SELECT count(*), sum((r - ar) / sr), sum((f - af) / sf), sum((m - am) / sm)
      FROM c, (SELECT avg(r) ar, stddev_pop(r) sr, avg(f) af, stddev_pop(f) sf, avg(m) am, stddev_pop(m) sm FROM c)`,
  },
  {
    // The baseline is the summary the fit reads: every customer's repeat purchase days x, the
    // day of the last (t_x) and the days observed (T), grouped. The report adds the BG/NBD and
    // Gamma-Gamma fits (JavaScript, in a compute worker), every customer scored against them
    // and the summaries; the fit it keeps between runs is forgotten before each run.
    name: 'clv: BG/NBD + Gamma-Gamma (baseline: the (x, t_x, T) summary SQL)',
    report: 'clv',
    params: { as_of: '2026-07-01', limit: 0 },
    fresh: forgetFits,
    sql: `
      WITH d AS (SELECT customer_id, ordered_at::DATE AS day FROM fact_order_lines
                 WHERE ${DONE} AND ordered_at < '2026-07-01' AND customer_id IS NOT NULL GROUP BY 1, 2),
           c AS (SELECT count(*) - 1 AS x, date_diff('day', min(day), max(day)) AS tx,
                        date_diff('day', min(day), DATE '2026-06-30') AS t FROM d GROUP BY customer_id)
      SELECT x, tx, t, count(*) AS n FROM c GROUP BY ALL`,
  },
  {
    name: 'funnel: web, 4 steps ordered, 7 days',
    report: 'funnel',
    params: {
      as_of: '2026-07-01',
      steps: ['visit', 'view_product', 'add_to_cart', 'purchase'],
      window: '7d',
    },
    // The fastest hand-written form found: a forward ASOF chain per step.
    sql: `
      WITH ev AS (SELECT coalesce(customer_id, anonymous_id) AS actor, occurred_at AS ts, event FROM fact_web_events
                  WHERE event IN ('visit', 'view_product', 'add_to_cart', 'purchase') AND occurred_at < TIMESTAMP '2026-07-01'),
           s1 AS (SELECT actor, ts FROM ev WHERE event = 'visit'), s2 AS (SELECT actor, ts FROM ev WHERE event = 'view_product'),
           s3 AS (SELECT actor, ts FROM ev WHERE event = 'add_to_cart'), s4 AS (SELECT actor, ts FROM ev WHERE event = 'purchase'),
           c2 AS (SELECT s.actor, s.ts AS t0, e.ts AS t FROM s1 s ASOF JOIN s2 e ON e.actor = s.actor AND e.ts >= s.ts
                  WHERE e.ts <= s.ts + INTERVAL 7 DAY),
           c3 AS (SELECT s.actor, s.t0, e.ts AS t FROM c2 s ASOF JOIN s3 e ON e.actor = s.actor AND e.ts >= s.t
                  WHERE e.ts <= s.t0 + INTERVAL 7 DAY),
           c4 AS (SELECT s.actor, s.t0, e.ts AS t FROM c3 s ASOF JOIN s4 e ON e.actor = s.actor AND e.ts >= s.t
                  WHERE e.ts <= s.t0 + INTERVAL 7 DAY),
           per AS (SELECT 1 AS step, actor, 0::DOUBLE AS d FROM s1 GROUP BY actor
                   UNION ALL SELECT 2, actor, min(epoch(t - t0)) FROM c2 GROUP BY actor
                   UNION ALL SELECT 3, actor, min(epoch(t - t0)) FROM c3 GROUP BY actor
                   UNION ALL SELECT 4, actor, min(epoch(t - t0)) FROM c4 GROUP BY actor)
      SELECT step, count(*) AS actors, quantile_cont(d, 0.5), quantile_cont(d, 0.9) FROM per GROUP BY step ORDER BY step`,
  },
];

async function time(body: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await body();
  return performance.now() - t;
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const b of stream) n += b.length;
  return n;
}

export async function main(args: string[]): Promise<void> {
  const reps = Number(option(args, 'reps', '3'));
  const only = option(args, 'only', '');
  const path = await benchWarehouse();
  const engine: Engine = await DuckDbEngine.open({ path, readOnly: true });
  const ctx: ReportContext = {
    engine,
    model: loadModel(join(ROOT, 'cubes')),
    now: () => new Date('2026-07-01T00:00:00Z'),
    // As the server: what reports keep per data version (the funnel's actor-key check) is kept
    // between reps; the first rep pays for it.
    dataVersion: () => 0,
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of CASES.filter((x) => !only || x.report === only)) {
      if (!REPORTS.has(c.report)) continue;
      const report = async () => {
        c.fresh?.();
        const r = await runReport(ctx, c.report, c.params, c.format ?? 'json');
        if (r.stream) await drain(r.stream);
      };
      const raw: number[] = [];
      const ours: number[] = [];
      for (let i = 0; i < reps; i++) {
        raw.push(await time(() => engine.query(c.sql)));
        ours.push(await time(report));
      }
      rows.push({
        report: c.name,
        hand_sql_s: median(raw) / 1000,
        report_s: median(ours) / 1000,
        ratio: Math.round((median(ours) / median(raw)) * 100) / 100,
      });
      process.stderr.write(
        `${c.name}: ${fmt(median(ours) / 1000, 2)} s vs ${fmt(median(raw) / 1000, 2)} s\n`,
      );
    }
    console.log(formatTable(rows));
  } finally {
    await engine.close();
  }
}
