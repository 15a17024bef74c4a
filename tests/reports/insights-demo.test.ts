import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { lifecycleReport } from '../../src/reports/lifecycle/report';
import { pathsReport } from '../../src/reports/paths/report';
import { retentionReport } from '../../src/reports/retention/report';
import { stickinessReport } from '../../src/reports/stickiness/report';
import { trendsReport } from '../../src/reports/trends/report';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

/**
 * The insights on the demo company (350k web events), each checked against a hand-written
 * DuckDB formulation of the same definition that shares no code or SQL shape with the report.
 */
const AS_OF = '2026-05-15';
const BERLIN = `(occurred_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Berlin')`;
const PERSON = 'coalesce(customer_id, anonymous_id)';

describe('insights on the demo warehouse', () => {
  let engine: Engine;
  let ctx: ReportContext;
  const q = async (text: string): Promise<Row[]> => (await engine.query(text)).rows;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    ctx = reportContext(engine);
  });
  afterAll(() => engine.close());

  it('trends: weekly unique visitors by device in Berlin time', async () => {
    const r = await trendsReport(ctx, {
      series: ['visit', 'purchase'],
      math: 'unique',
      interval: 'week',
      timezone: 'Europe/Berlin',
      breakdown: 'properties.$device_type',
      as_of: AS_OF,
    });
    const got = new Map<string, number>();
    for (const s of r.series) {
      s.labels.forEach((p, i) => {
        if (s.data[i] !== 0) got.set(JSON.stringify([s.event, s.breakdown_value, p]), s.data[i]!);
      });
    }
    const rows = await q(`
      SELECT event, json_extract_string(properties, '$."$device_type"') AS device,
             strftime(date_trunc('week', ${BERLIN}), '%Y-%m-%d') AS week, count(DISTINCT ${PERSON}) AS n
      FROM fact_web_events WHERE event IN ('visit', 'purchase') AND ${BERLIN} < TIMESTAMP '${AS_OF}'
      GROUP BY ALL`);
    const want = new Map(
      rows.map((x) => [JSON.stringify([x['event'], x['device'], x['week']]), Number(x['n'])]),
    );
    expect(want.size).toBeGreaterThan(100);
    expect(got).toEqual(want);
  });

  it('retention: first visit to purchase by week, customers', async () => {
    const r = await retentionReport(ctx, {
      start_event: 'visit',
      return_event: 'purchase',
      period: 'week',
      actor: 'customer',
      periods: 8,
      as_of: AS_OF,
    });
    const got = new Map<string, number>();
    for (const c of r.cohorts)
      c.values.forEach((v, k) => {
        if (k > 0 && v > 0) got.set(`${c.cohort}+${k}`, v);
      });
    const rows = await q(`
      WITH firsts AS (SELECT customer_id, date_trunc('week', min(occurred_at)) AS w FROM fact_web_events
                      WHERE event = 'visit' AND customer_id IS NOT NULL AND occurred_at < TIMESTAMP '${AS_OF}' GROUP BY 1),
           buys AS (SELECT DISTINCT customer_id, date_trunc('week', occurred_at) AS w FROM fact_web_events
                    WHERE event = 'purchase' AND customer_id IS NOT NULL AND occurred_at < TIMESTAMP '${AS_OF}')
      SELECT strftime(f.w, '%Y-%m-%d') AS cohort, date_diff('week', f.w, b.w) AS k, count(*) AS n
      FROM firsts f JOIN buys b USING (customer_id)
      WHERE date_diff('week', f.w, b.w) BETWEEN 1 AND 7 GROUP BY ALL`);
    const want = new Map(rows.map((x) => [`${x['cohort']}+${x['k']}`, Number(x['n'])]));
    expect(want.size).toBeGreaterThan(20);
    expect(got).toEqual(want);
    const sizes = await q(`
      SELECT strftime(w, '%Y-%m-%d') AS cohort, count(*) AS n FROM (
        SELECT date_trunc('week', min(occurred_at)) AS w FROM fact_web_events
        WHERE event = 'visit' AND customer_id IS NOT NULL AND occurred_at < TIMESTAMP '${AS_OF}' GROUP BY customer_id) GROUP BY 1`);
    expect(new Map(r.cohorts.map((c) => [c.cohort, c.size]))).toEqual(
      new Map(sizes.map((x) => [String(x['cohort']), Number(x['n'])])),
    );
  });

  it('stickiness: days per month with a page view', async () => {
    const r = await stickinessReport(ctx, { event: 'page_view', period: 'month', as_of: AS_OF });
    const got = new Map<string, number>();
    for (const p of r.periods)
      p.actors.forEach((n, i) => {
        if (n > 0) got.set(`${p.period}/${i + 1}`, n);
      });
    const rows = await q(`
      SELECT strftime(m, '%Y-%m-%d') AS month, d, count(*) AS n FROM (
        SELECT ${PERSON} AS a, date_trunc('month', occurred_at) AS m, count(DISTINCT CAST(occurred_at AS DATE)) AS d
        FROM fact_web_events WHERE event = 'page_view' AND occurred_at < TIMESTAMP '${AS_OF}' GROUP BY 1, 2)
      GROUP BY ALL`);
    const want = new Map(rows.map((x) => [`${x['month']}/${x['d']}`, Number(x['n'])]));
    expect([...want.keys()].some((k) => !k.endsWith('/1'))).toBe(true);
    expect(got).toEqual(want);
  });

  it('lifecycle: weekly visitors, by EXISTS instead of windows', async () => {
    const r = await lifecycleReport(ctx, { event: 'visit', period: 'week', as_of: AS_OF });
    const s = r.series[0]!;
    const got = new Map<string, number>();
    for (const status of ['new', 'returning', 'resurrecting', 'dormant'] as const) {
      s.labels.forEach((p, i) => {
        if (s[status][i] !== 0) got.set(`${p}/${status}`, Math.abs(s[status][i]!));
      });
    }
    const rows = await q(`
      WITH act AS (SELECT DISTINCT ${PERSON} AS a, date_trunc('week', occurred_at) AS w FROM fact_web_events
                   WHERE event = 'visit' AND occurred_at < TIMESTAMP '${AS_OF}'),
           firsts AS (SELECT a, min(w) AS f FROM act GROUP BY a),
           statuses AS (
             SELECT x.w, CASE WHEN x.w = f.f THEN 'new'
                              WHEN EXISTS (SELECT 1 FROM act y WHERE y.a = x.a AND y.w = x.w - INTERVAL 7 DAY) THEN 'returning'
                              ELSE 'resurrecting' END AS status
             FROM act x JOIN firsts f USING (a)
             UNION ALL
             SELECT x.w + INTERVAL 7 DAY, 'dormant' FROM act x
             WHERE NOT EXISTS (SELECT 1 FROM act y WHERE y.a = x.a AND y.w = x.w + INTERVAL 7 DAY)
               AND x.w + INTERVAL 7 DAY < TIMESTAMP '${AS_OF}')
      SELECT strftime(w, '%Y-%m-%d') AS week, status, count(*) AS n FROM statuses GROUP BY ALL`);
    const want = new Map(rows.map((x) => [`${x['week']}/${x['status']}`, Number(x['n'])]));
    expect(want.size).toBeGreaterThan(150);
    expect(got).toEqual(want);
  });

  it('paths: four steps from a visit, by list functions over whole sessions', async () => {
    const r = await pathsReport(ctx, { start_event: 'visit', steps: 4, limit: 30, as_of: AS_OF });
    const rows = await q(`
      WITH s AS (SELECT session_id, list(event ORDER BY occurred_at, event, event_id) AS l,
                        list(${PERSON} ORDER BY occurred_at, event, event_id) AS who
                 FROM fact_web_events WHERE session_id IS NOT NULL AND occurred_at < TIMESTAMP '${AS_OF}' GROUP BY 1),
           c AS (SELECT session_id, list_filter(l, lambda x, i: i = 1 OR x <> l[i - 1]) AS steps,
                        list_filter(who, lambda x, i: i = 1 OR l[i] <> l[i - 1]) AS whos FROM s),
           p AS (SELECT session_id, list_position(steps, 'visit') AS i0, steps, whos FROM c)
      SELECT list_slice(steps, i0, i0 + 3) AS path, count(*) AS sessions, count(DISTINCT whos[i0]) AS actors
      FROM p WHERE i0 > 0 AND whos[i0] IS NOT NULL GROUP BY 1 ORDER BY sessions DESC, actors DESC, path LIMIT 30`);
    expect(r.groups[0]!.paths.map((p) => ({ path: p.path, sessions: p.sessions, actors: p.actors }))).toEqual(
      rows.map((x) => ({ path: x['path'], sessions: Number(x['sessions']), actors: Number(x['actors']) })),
    );
    expect(r.groups[0]!.paths[0]!.sessions).toBeGreaterThan(100);
  });
});
