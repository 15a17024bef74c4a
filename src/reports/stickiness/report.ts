import type { JsonValue, Row } from '../../engine';
import { cast, fn, func, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { later } from '../common/time-range';
import { periodDays, periodIndex, periodLabel } from '../insights/common/periods';
import { checkEvents, firstEventDay, insightEvents, listedBreakdown } from '../insights/common/source';
import { fromIndex, fromRows, lastIndex, partialPeriod, withCtes } from '../insights/common/sql';
import { parseStickiness, type StickinessParams, StickinessParamsSchema } from './params';

export const STICKINESS_COLUMNS = [
  'period',
  'breakdown',
  'days',
  'actors',
  'share',
  'active_actors',
  'days_in_period',
  'partial',
] as const;

export interface StickinessPlan {
  readonly params: StickinessParams;
  readonly asOf: string | null;
  /** The first day of the range (the later of `from` and a date range filter's start), if any. */
  readonly from: string | undefined;
  readonly breakdown?: string;
  /**
   * Per period of the range, breakdown value and d = 1 … the period's days (zero-filled):
   * the actors with the event on exactly d calendar days of the period, and the period's
   * active actors.
   */
  readonly cells?: SqlNode;
}

/**
 * PostHog's stickiness: for each week (or month) of the range, how many actors did the event on
 * exactly 1, 2, … N of its days (calendar days of the report's zone). Days before `from` and from
 * as_of on are not observed: such periods are flagged partial.
 */
export async function planStickiness(ctx: ReportContext, input: unknown): Promise<StickinessPlan> {
  const params = parseStickiness(input);
  await checkEvents(ctx, [{ name: params.event, where: 'event' }]);
  const [src, dataDay] = await Promise.all([
    insightEvents(ctx, params, [params.event]),
    firstEventDay(ctx, params),
  ]);
  const base = {
    params,
    asOf: src.asOf,
    from: src.from,
    ...(src.breakdown ? { breakdown: src.breakdown } : {}),
  };
  if (src.asOf === null) return base;
  const g = params.period;
  const from = fromRows(src.from);
  // A period before the range's start, or before the data's first day, holds less than a whole one.
  const partial = partialPeriod(g, src.asOf, later(src.from, dataDay));
  const cells = withCtes(
    [
      [
        'days',
        sql`SELECT DISTINCT actor, bd, ${cast(raw('ts'), 'date')} AS day FROM (${src.rows}) e${from}`,
        true,
      ],
      [
        'per',
        // d as a signed integer, to meet the grid's days (ClickHouse's count is unsigned).
        sql`SELECT ${periodIndex(g, raw('day'))} AS idx, bd, actor, ${cast(raw('count(*)'), 'bigint')} AS d FROM days GROUP BY idx, bd, actor`,
      ],
      [
        'counts',
        sql`SELECT per.idx AS idx, per.bd AS bd, per.d AS d, count(*) AS n FROM per GROUP BY per.idx, per.bd, per.d`,
      ],
      [
        'active',
        sql`SELECT per.idx AS idx, per.bd AS bd, count(*) AS active FROM per GROUP BY per.idx, per.bd`,
      ],
      [
        'bounds',
        sql`SELECT coalesce(${fromIndex(g, src.from)}, ${func('min', [raw('idx')])}) AS lo, ${lastIndex(g, src.asOf)} AS hi FROM per`,
      ],
      ['vals', sql`SELECT DISTINCT bd FROM per`],
      ['periods', sql`SELECT ${fn.series(raw('lo'), raw('hi'))} AS idx FROM bounds`],
      [
        'grid',
        sql`SELECT p.idx AS idx, v.bd AS bd, ${periodDays(g, raw('p.idx'))} AS n_days,
                   ${fn.series(raw('1'), periodDays(g, raw('p.idx')))} AS d
            FROM periods p, vals v`,
      ],
    ],
    sql`SELECT g.idx AS idx, ${periodLabel(g, sql`g.idx`)} AS period, g.bd AS breakdown, ${cast(raw('g.d'), 'integer')} AS days,
               coalesce(c.n, 0) AS actors, coalesce(a.active, 0) AS active_actors,
               g.n_days AS days_in_period, ${partial} AS partial
        FROM grid g
        LEFT JOIN counts c ON c.idx = g.idx AND ${fn.nullSafeEquals(raw('c.bd'), raw('g.bd'))} AND c.d = g.d
        LEFT JOIN active a ON a.idx = g.idx AND ${fn.nullSafeEquals(raw('a.bd'), raw('g.bd'))}`,
    ['idx', ['breakdown', 'first'], 'days'],
  );
  return { ...base, cells };
}

export interface StickinessPeriod {
  period: string;
  breakdown_value?: JsonValue;
  /** Actors active in the period. */
  active_actors: number;
  days_in_period: number;
  partial: boolean;
  /** actors[d − 1]: actors active on exactly d days. */
  actors: number[];
}

export interface StickinessResult {
  params: StickinessParams;
  as_of: string | null;
  /** The first day of the range, when one is set (`from`, or a date range filter on the event time). */
  from: string | null;
  event: string;
  period: StickinessParams['period'];
  breakdown?: string;
  periods: StickinessPeriod[];
}

export async function stickinessReport(ctx: ReportContext, input: unknown): Promise<StickinessResult> {
  const plan = await planStickiness(ctx, input);
  const rows = plan.cells ? (await ctx.engine.query(plan.cells)).rows : [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify([r['period'], r['breakdown'] ?? null]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return {
    params: plan.params,
    as_of: plan.asOf,
    from: plan.from ?? null,
    event: plan.params.event,
    period: plan.params.period,
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    periods: [...groups.values()].map((g) => ({
      period: String(g[0]!['period']),
      ...(plan.breakdown ? { breakdown_value: g[0]!['breakdown'] ?? null } : {}),
      active_actors: Number(g[0]!['active_actors']),
      days_in_period: Number(g[0]!['days_in_period']),
      partial: g[0]!['partial'] === true,
      actors: g.map((r) => Number(r['actors'])),
    })),
  };
}

export const stickiness = defineReport<StickinessParams>({
  name: 'stickiness',
  description: 'Stickiness: per week or month, how many actors did an event on exactly 1, 2, … N of its days',
  // On both engines (tests/parity/insights.test.ts).
  engines: ['duckdb', 'clickhouse'],
  schema: StickinessParamsSchema,
  lists: ({ breakdown }) => listedBreakdown(breakdown),
  async run(ctx, params) {
    const json = await stickinessReport(ctx, params);
    const data: Row[] = json.periods.flatMap((p) =>
      p.actors.map((actors, i) => ({
        period: p.period,
        breakdown: p.breakdown_value ?? null,
        days: i + 1,
        actors,
        share: p.active_actors === 0 ? null : actors / p.active_actors,
        active_actors: p.active_actors,
        days_in_period: p.days_in_period,
        partial: p.partial,
      })),
    );
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: [...STICKINESS_COLUMNS], data },
    };
  },
});
