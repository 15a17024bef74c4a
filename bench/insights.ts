import { join } from 'node:path';
import { formatTable } from '../src/cli/table';
import { DuckDbEngine, type Engine } from '../src/engine';
import { loadModel } from '../src/model/load';
import type { ReportContext } from '../src/reports/common/context';
import { runReport } from '../src/reports/run';
import { fmt, median, option } from './util';
import { benchWarehouse } from './warehouse';

const ROOT = join(import.meta.dirname, '..');
const AS_OF = "TIMESTAMP '2026-07-01'";
const PERSON = 'coalesce(customer_id, anonymous_id)';

/**
 * The insights (docs/insights.md) on the bench warehouse's 50M web events, each against the
 * fastest hand-written DuckDB SQL found for the same answer (same rows, same totals).
 */
interface Case {
  readonly name: string;
  readonly report: string;
  readonly params: object;
  readonly sql: string;
}

const CASES: Case[] = [
  {
    name: 'trends: 2 events, unique actors by week',
    report: 'trends',
    params: { as_of: '2026-07-01', series: ['visit', 'purchase'], math: 'unique', interval: 'week' },
    sql: `
      SELECT event, date_trunc('week', occurred_at) AS w, count(*), count(DISTINCT ${PERSON})
      FROM fact_web_events WHERE event IN ('visit', 'purchase') AND occurred_at < ${AS_OF}
      GROUP BY GROUPING SETS ((event, w), (event))`,
  },
  {
    name: 'trends: 3 events, total by day and region',
    report: 'trends',
    params: {
      as_of: '2026-07-01',
      series: ['view_product', 'add_to_cart', 'purchase'],
      interval: 'day',
      breakdown: 'customers.region',
    },
    sql: `
      SELECT e.event, c.region, CAST(e.occurred_at AS DATE) AS d, count(*)
      FROM fact_web_events e LEFT JOIN dim_customer c ON c.customer_key = e.customer_key
      WHERE e.event IN ('view_product', 'add_to_cart', 'purchase') AND e.occurred_at < ${AS_OF}
      GROUP BY GROUPING SETS ((e.event, c.region, d), (e.event, c.region))`,
  },
  {
    name: 'retention: first visit → purchase, weekly, 11 offsets',
    report: 'retention',
    params: { as_of: '2026-07-01', start_event: 'visit', return_event: 'purchase', period: 'week' },
    sql: `
      WITH f AS (SELECT ${PERSON} AS a, date_trunc('week', min(occurred_at)) AS w FROM fact_web_events
                 WHERE event = 'visit' AND occurred_at < ${AS_OF} GROUP BY 1),
           r AS (SELECT DISTINCT ${PERSON} AS a, date_trunc('week', occurred_at) AS w FROM fact_web_events
                 WHERE event = 'purchase' AND occurred_at < ${AS_OF})
      SELECT f.w, date_diff('week', f.w, r.w) AS k, count(*) FROM f JOIN r USING (a)
      WHERE r.w > f.w AND r.w <= f.w + INTERVAL 70 DAY GROUP BY ALL
      UNION ALL SELECT w, 0, count(*) FROM f GROUP BY w`,
  },
  {
    name: 'stickiness: page_view days per month',
    report: 'stickiness',
    params: { as_of: '2026-07-01', event: 'page_view', period: 'month' },
    sql: `
      SELECT m, d, count(*) FROM (
        SELECT ${PERSON} AS a, date_trunc('month', occurred_at) AS m, count(DISTINCT CAST(occurred_at AS DATE)) AS d
        FROM fact_web_events WHERE event = 'page_view' AND occurred_at < ${AS_OF} GROUP BY 1, 2)
      GROUP BY ALL`,
  },
  {
    name: 'lifecycle: visit by week',
    report: 'lifecycle',
    params: { as_of: '2026-07-01', event: 'visit', period: 'week' },
    sql: `
      WITH a AS (SELECT DISTINCT ${PERSON} AS a, date_trunc('week', occurred_at) AS w FROM fact_web_events
                 WHERE event = 'visit' AND occurred_at < ${AS_OF}),
           s AS (SELECT w, lag(w) OVER x AS p, lead(w) OVER x AS n, min(w) OVER (PARTITION BY a) AS f
                 FROM a WINDOW x AS (PARTITION BY a ORDER BY w))
      SELECT w, CASE WHEN w = f THEN 'new' WHEN p = w - INTERVAL 7 DAY THEN 'returning' ELSE 'resurrecting' END, count(*) FROM s GROUP BY ALL
      UNION ALL SELECT w + INTERVAL 7 DAY, 'dormant', count(*) FROM s WHERE n IS NULL OR n > w + INTERVAL 7 DAY GROUP BY ALL`,
  },
  {
    // Paths sort every session's events: on 2 shared cores the whole year took more than 5
    // minutes for either side, so this case reads the first month (~4.2M events, 520k sessions).
    name: 'paths: 5 steps from a visit, top 20, July 2025',
    report: 'paths',
    params: { as_of: '2025-08-01', start_event: 'visit', steps: 5, limit: 20 },
    sql: `
      WITH s AS (SELECT list(event ORDER BY occurred_at, event, event_id) AS l, list(${PERSON} ORDER BY occurred_at, event, event_id) AS who
                 FROM fact_web_events WHERE session_id IS NOT NULL AND occurred_at < TIMESTAMP '2025-08-01' GROUP BY session_id),
           c AS (SELECT list_filter(l, lambda x, i: i = 1 OR x <> l[i - 1]) AS st,
                        list_filter(who, lambda x, i: i = 1 OR l[i] <> l[i - 1]) AS ws FROM s),
           p AS (SELECT list_position(st, 'visit') AS i0, st, ws FROM c)
      SELECT list_slice(st, i0, i0 + 4) AS path, count(*) AS n, count(DISTINCT ws[i0]) AS u
      FROM p WHERE i0 > 0 AND ws[i0] IS NOT NULL GROUP BY 1 ORDER BY n DESC, u DESC, path LIMIT 20`,
  },
];

async function time(body: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await body();
  return performance.now() - t;
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
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of CASES.filter((x) => !only || x.report === only)) {
      const raw: number[] = [];
      const ours: number[] = [];
      for (let i = 0; i < reps; i++) {
        raw.push(await time(() => engine.query(c.sql)));
        ours.push(await time(() => runReport(ctx, c.report, c.params, 'json')));
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
