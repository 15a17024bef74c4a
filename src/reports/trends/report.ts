import type { JsonValue, Row } from '../../engine';
import { cast, countDistinct, fn, func, list, raw, type SqlNode, select, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { compileEventFilters } from '../common/event-filters';
import { later } from '../common/time-range';
import { periodIndex, periodKey, periodLabel } from '../insights/common/periods';
import { checkEvents, firstEventDay, insightEvents, listedBreakdown } from '../insights/common/source';
import {
  type Cte,
  fromIndex,
  fromRows,
  int,
  lastIndex,
  partialPeriod,
  withCtes,
} from '../insights/common/sql';
import { parseTrends, type TrendsParams, TrendsParamsSchema } from './params';

export const TRENDS_COLUMNS = [
  'series_index',
  'series',
  'event',
  'breakdown',
  'breakdown_other',
  'period',
  'partial',
  'value',
  'events',
  'actors',
] as const;

export interface TrendsPlan {
  readonly params: TrendsParams;
  readonly asOf: string | null;
  /** The first day of the range (the later of `from` and a date range filter's start), if any. */
  readonly from: string | undefined;
  readonly breakdown?: string;
  /**
   * One row per series (s, its index) × breakdown value × period of the range (zero-filled), and
   * per series × value a total row (period NULL): events, actors (distinct, NULL for math total).
   */
  readonly cells?: SqlNode;
}

/**
 * Events over time (PostHog's trends): per series (an event), breakdown value and period, the
 * events, or the distinct actors, or events per actor. Periods run from `from` (else the first
 * period with a counted event) to the period holding the day before as_of, every one present.
 */
export async function planTrends(ctx: ReportContext, input: unknown): Promise<TrendsPlan> {
  const params = parseTrends(input);
  await checkEvents(
    ctx,
    params.series.map((s, i) => ({ name: s.event, where: `series.${i}.event` })),
  );
  const events = [...new Set(params.series.map((s) => s.event))];
  // A series' filters, as a boolean column of the rows (m0, m1, …; none without filters).
  const conditions = params.series.map((s, i) =>
    compileEventFilters(
      ctx.model,
      'web_events',
      s.filters,
      `series.${i}.filters`,
      params.timezone,
      ctx.now(),
    ),
  );
  const extra = conditions.flatMap((c, i) =>
    c === undefined ? [] : [{ expr: sql`coalesce(${c}, false)`, alias: `m${i}` }],
  );
  const [src, dataDay] = await Promise.all([
    insightEvents(ctx, params, events, { extra }),
    firstEventDay(ctx, params),
  ]);
  const base = {
    params,
    asOf: src.asOf,
    from: src.from,
    ...(src.breakdown ? { breakdown: src.breakdown } : {}),
  };
  if (src.asOf === null) return base;
  const g = params.interval;
  const bd = src.breakdown !== undefined;
  const from = fromRows(src.from);
  const unique = params.math !== 'total';
  // s: the series a row counts in. One CASE when every series is its own event without filters;
  // else a row counts once in each series it matches (two series may share an event).
  const simple = extra.length === 0 && events.length === params.series.length;
  const day = periodKey(g, raw('ts'));
  const matches = params.series.map(
    (x, i) =>
      sql`CASE WHEN event = ${x.event}${extra.some((e) => e.alias === `m${i}`) ? sql` AND ${raw(`m${i}`)}` : sql``} THEN ${int(i)} END`,
  );
  const ev = simple
    ? sql`SELECT actor, CASE event ${list(
        params.series.map((x, i) => sql`WHEN ${x.event} THEN ${int(i)}`),
        ' ',
      )} END AS s, bd, ${day} AS day FROM (${src.rows})${from}`
    : sql`SELECT * FROM (SELECT actor, ${fn.unnest(fn.array(matches))} AS s, bd, ${day} AS day FROM (${src.rows})${from}) e WHERE s IS NOT NULL`;
  const actor = unique ? sql`, actor` : sql``;
  const ctes: Cte[] = [];
  if (bd) {
    // With a breakdown the rows are grouped first (by actor too, for distinct actors): the kept
    // values are ranked on the groups and the other values merged from them, in one scan.
    const keys = [raw('x.s'), raw('x.other'), raw('x.bd')];
    ctes.push(
      [
        'g1',
        sql`SELECT s, bd, ${periodIndex(g, raw('day'))} AS idx${actor}, n
            FROM (SELECT s, bd, day${actor}, count(*) AS n FROM (${ev}) e GROUP BY s, bd, day${actor}) d`,
        true,
      ],
      [
        'kept',
        sql`SELECT bd, true AS kept FROM g1 GROUP BY bd ORDER BY sum(n) DESC, bd NULLS FIRST LIMIT ${int(params.breakdown_limit)}`,
      ],
      [
        'x',
        sql`SELECT g.s AS s, g.idx AS idx, g.n AS n${unique ? sql`, g.actor AS actor` : sql``},
                   ${fn.asBoolean(sql`k.kept IS NULL`)} AS other, CASE WHEN k.kept THEN g.bd END AS bd
            FROM g1 g LEFT JOIN kept k ON ${fn.nullSafeEquals(raw('k.bd'), raw('g.bd'))}`,
      ],
      [
        // Per period, and over the whole range (idx NULL).
        'agg',
        select({
          columns: [
            { expr: raw('x.s'), alias: 's' },
            { expr: raw('x.other'), alias: 'other' },
            { expr: raw('x.bd'), alias: 'bd' },
            { expr: raw('x.idx'), alias: 'idx' },
            { expr: func('sum', [raw('x.n')]), alias: 'n' },
            { expr: unique ? countDistinct(raw('x.actor')) : cast(raw('NULL'), 'bigint'), alias: 'u' },
          ],
          from: { kind: 'table', path: ['x'], alias: 'x' },
          groupingSets: [[...keys, raw('x.idx')], keys],
        }),
        true,
      ],
    );
  } else {
    // Without one, per period and over the whole range (day, so idx, NULL) straight from the rows.
    ctes.push([
      'agg',
      select({
        columns: [
          { expr: raw('e.s'), alias: 's' },
          { expr: raw('false'), alias: 'other' },
          { expr: cast(raw('NULL'), 'text'), alias: 'bd' },
          { expr: periodIndex(g, raw('e.day')), alias: 'idx' },
          { expr: raw('count(*)'), alias: 'n' },
          { expr: unique ? countDistinct(raw('e.actor')) : cast(raw('NULL'), 'bigint'), alias: 'u' },
        ],
        from: { kind: 'subquery', query: ev, alias: 'e' },
        groupingSets: [[raw('e.s'), raw('e.day')], [raw('e.s')]],
      }),
      true,
    ]);
  }
  ctes.push(
    [
      'bounds',
      sql`SELECT coalesce(${fromIndex(g, src.from)}, ${func('min', [raw('idx')])}) AS lo, ${lastIndex(g, src.asOf)} AS hi FROM agg`,
    ],
    ['evs', sql`SELECT ${cast(fn.series(raw('0'), int(params.series.length - 1)), 'integer')} AS s`],
    ['vals', sql`SELECT DISTINCT other, bd FROM agg`],
    [
      'grid',
      sql`SELECT s, other, bd, ${fn.series(raw('lo'), raw('hi'))} AS idx FROM evs, bounds, vals
          UNION ALL SELECT s, other, bd, ${cast(raw('NULL'), 'bigint')} AS idx FROM evs, vals`,
    ],
  );
  // A period before the range's start, or before the data's first day, holds less than a whole one.
  const partial = partialPeriod(g, src.asOf, later(src.from, dataDay));
  const cells = withCtes(
    ctes,
    sql`SELECT g.s AS s, g.other AS other, g.bd AS bd, g.idx AS idx, ${periodLabel(g, sql`g.idx`)} AS period,
               ${partial} AS partial, coalesce(a.n, 0) AS events,
               ${unique ? sql`coalesce(a.u, 0)` : cast(raw('NULL'), 'bigint')} AS actors
        FROM grid g LEFT JOIN agg a ON a.s = g.s AND a.other = g.other
             AND ${fn.nullSafeEquals(raw('a.bd'), raw('g.bd'))} AND ${fn.nullSafeEquals(raw('a.idx'), raw('g.idx'))}`,
    ['s', 'other', ['bd', 'first'], ['idx', 'first']],
  );
  return { ...base, cells };
}

export interface TrendsSeries {
  index: number;
  label: string;
  event: string;
  breakdown_value?: JsonValue;
  /** True for the values past breakdown_limit, counted together. */
  breakdown_other?: boolean;
  labels: string[];
  partial: boolean[];
  data: (number | null)[];
  /** Per period: the events, and the distinct actors (null for math total). */
  events_by_period: number[];
  actors_by_period: (number | null)[];
  /** Over the whole range: events, distinct actors (not the sum of the periods'), the math's value. */
  events: number;
  actors: number | null;
  value: number | null;
}

export interface TrendsResult {
  params: TrendsParams;
  as_of: string | null;
  /** The first day of the range, when one is set (`from`, or a date range filter on the event time). */
  from: string | null;
  math: TrendsParams['math'];
  interval: TrendsParams['interval'];
  breakdown?: string;
  series: TrendsSeries[];
}

function mathValue(math: TrendsParams['math'], events: number, actors: number | null): number | null {
  if (math === 'total') return events;
  if (math === 'unique') return actors;
  return actors === null || actors === 0 ? null : events / actors;
}

export async function trendsReport(ctx: ReportContext, input: unknown): Promise<TrendsResult> {
  const plan = await planTrends(ctx, input);
  const { params } = plan;
  const rows = plan.cells ? (await ctx.engine.query(plan.cells)).rows : [];
  // Rows arrive grouped by series and value, the total row first.
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify([Number(r['s']), r['other'], r['bd'] ?? null]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const series: TrendsSeries[] = [];
  params.series.forEach((s, index) => {
    for (const g of groups.values()) {
      if (Number(g[0]!['s']) !== index) continue;
      const total = g.find((r) => r['period'] === null)!;
      const periods = g.filter((r) => r['period'] !== null);
      const actors = (r: Row) => (r['actors'] === null ? null : Number(r['actors']));
      series.push({
        index,
        label: s.label ?? s.event,
        event: s.event,
        ...(plan.breakdown
          ? { breakdown_value: total['bd'] ?? null, breakdown_other: total['other'] === true }
          : {}),
        labels: periods.map((r) => String(r['period'])),
        partial: periods.map((r) => r['partial'] === true),
        data: periods.map((r) => mathValue(params.math, Number(r['events']), actors(r))),
        events_by_period: periods.map((r) => Number(r['events'])),
        actors_by_period: periods.map(actors),
        events: Number(total['events']),
        actors: actors(total),
        value: mathValue(params.math, Number(total['events']), actors(total)),
      });
    }
  });
  return {
    params,
    as_of: plan.asOf,
    from: plan.from ?? null,
    math: params.math,
    interval: params.interval,
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    series,
  };
}

export const trends = defineReport<TrendsParams>({
  name: 'trends',
  description:
    'Events over time by day, week or month: total events, unique actors or events per actor, per series and breakdown value',
  // On both engines (tests/parity/insights.test.ts).
  engines: ['duckdb', 'clickhouse'],
  schema: TrendsParamsSchema,
  lists: ({ breakdown }) => listedBreakdown(breakdown),
  async run(ctx, params) {
    const json = await trendsReport(ctx, params);
    const data: Row[] = json.series.flatMap((s) =>
      s.labels.map((period, i) => ({
        series_index: s.index,
        series: s.label,
        event: s.event,
        breakdown: s.breakdown_value ?? null,
        breakdown_other: s.breakdown_other ?? false,
        period,
        partial: s.partial[i]!,
        value: s.data[i]!,
        events: s.events_by_period[i]!,
        actors: s.actors_by_period[i]!,
      })),
    );
    return { json: json as unknown as Record<string, unknown>, rows: { columns: [...TRENDS_COLUMNS], data } };
  },
});
