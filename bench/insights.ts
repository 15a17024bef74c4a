import { join } from 'node:path';
import { DuckDbEngine, type Engine } from '../src/engine';
import { loadModel } from '../src/model/load';
import type { ReportContext } from '../src/reports/common/context';
import { runReport } from '../src/reports/run';
import { formatTable } from '../src/util/text-table';
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
    // Events of actors only, as the report defines them (a row with neither a customer nor an
    // anonymous id has no actor): the bench data has an actor on every row, so leaving the
    // condition out gives the same numbers here, but not the same answer on every warehouse,
    // and reading the two id columns is 0.35 s of the work.
    sql: `
      SELECT e.event, c.region, CAST(e.occurred_at AS DATE) AS d, count(*)
      FROM fact_web_events e LEFT JOIN dim_customer c ON c.customer_key = e.customer_key
      WHERE e.event IN ('view_product', 'add_to_cart', 'purchase') AND e.occurred_at < ${AS_OF}
        AND coalesce(e.customer_id, e.anonymous_id) IS NOT NULL
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
  {
    // The whole year (50M events, 6.25M sessions). The hand-written SQL is of another shape than
    // the report's: the first visit by struct min, a row comparison for the events from it, a
    // second window numbering the collapsed steps and the path pivoted from its first 5.
    name: 'paths: 5 steps from a visit, top 20, the whole year',
    report: 'paths',
    params: { as_of: '2026-07-01', start_event: 'visit', steps: 5, limit: 20 },
    sql: `
      WITH v AS (SELECT session_id, min({'t': occurred_at, 'i': event_id}) AS k,
                        arg_min_null(${PERSON}, {'t': occurred_at, 'i': event_id}) AS who
                 FROM fact_web_events WHERE event = 'visit' AND session_id IS NOT NULL AND occurred_at < ${AS_OF} GROUP BY 1),
           t AS (SELECT f.session_id, f.event, lag(f.event) OVER w AS p, row_number() OVER w AS r
                 FROM fact_web_events f JOIN v USING (session_id)
                 WHERE f.occurred_at < ${AS_OF} AND (f.occurred_at, f.event, f.event_id) >= (v.k.t, 'visit', v.k.i)
                 WINDOW w AS (PARTITION BY f.session_id ORDER BY f.occurred_at, f.event, f.event_id)),
           s AS (SELECT session_id, event, row_number() OVER (PARTITION BY session_id ORDER BY r) AS n
                 FROM t WHERE p IS NULL OR p <> event),
           q AS (SELECT session_id, list_slice([${[1, 2, 3, 4, 5].map((i) => `max(event) FILTER (WHERE n = ${i})`).join(', ')}], 1, count(*)) AS path
                 FROM s WHERE n <= 5 GROUP BY session_id)
      SELECT path, count(*) AS n, count(DISTINCT who) AS u FROM q JOIN v USING (session_id)
      WHERE who IS NOT NULL GROUP BY 1 ORDER BY n DESC, u DESC, path LIMIT 20`,
  },
];

/** Wall and CPU time (this process: DuckDB's threads run in it), in ms. CPU time is steadier
 * than wall time on a shared, loaded machine. */
async function time(body: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  await body();
  const used = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
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
      const raw: { wall: number; cpu: number }[] = [];
      const ours: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < reps; i++) {
        raw.push(await time(() => engine.query(c.sql)));
        ours.push(await time(() => runReport(ctx, c.report, c.params, 'json')));
      }
      const m = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') =>
        median(xs.map((x) => x[k])) / 1000;
      rows.push({
        report: c.name,
        hand_sql_s: m(raw, 'wall'),
        report_s: m(ours, 'wall'),
        ratio: Math.round((m(ours, 'wall') / m(raw, 'wall')) * 100) / 100,
        hand_sql_cpu_s: m(raw, 'cpu'),
        report_cpu_s: m(ours, 'cpu'),
        cpu_ratio: Math.round((m(ours, 'cpu') / m(raw, 'cpu')) * 100) / 100,
      });
      process.stderr.write(
        `${c.name}: ${fmt(m(ours, 'wall'), 2)} s (cpu ${fmt(m(ours, 'cpu'), 2)} s) vs ${fmt(m(raw, 'wall'), 2)} s (cpu ${fmt(m(raw, 'cpu'), 2)} s)\n`,
      );
    }
    console.log(formatTable(rows));
  } finally {
    await engine.close();
  }
}
