import type { JsonValue, Row } from '../../engine';
import { fn, func, list, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { periodIndex, periodLabel } from '../insights/common/periods';
import { checkEvents, firstEventDay, insightEvents, listedBreakdown } from '../insights/common/source';
import { fromIndex, int, lastIndex, partialPeriod, withCtes } from '../insights/common/sql';
import { type LifecycleParams, LifecycleParamsSchema, parseLifecycle } from './params';

export const LIFECYCLE_STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export const LIFECYCLE_COLUMNS = ['period', 'breakdown', 'status', 'actors', 'partial'] as const;

export interface LifecyclePlan {
  readonly params: LifecycleParams;
  readonly asOf: string | null;
  /** The first day of the range (the later of `from` and a date range filter's start), if any. */
  readonly from: string | undefined;
  readonly breakdown?: string;
  /** Per period of the range, breakdown value and status (zero-filled): actors, dormant negative. */
  readonly cells?: SqlNode;
}

/**
 * PostHog's lifecycle over one event. An actor active in period p (at least one event) is new
 * when p is their first active period ever (before as_of), returning when they were active in
 * p − 1, resurrecting otherwise; an actor active in p − 1 and not in p is dormant in p, counted
 * negative. History before `from` decides the statuses; only periods from `from` are reported.
 * A period is partial when as_of cuts it or the data begins after its first day (a period's
 * activity is read whole, so `from` does not cut it).
 */
export async function planLifecycle(ctx: ReportContext, input: unknown): Promise<LifecyclePlan> {
  const params = parseLifecycle(input);
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
  const statuses = LIFECYCLE_STATUSES.map((st, i) => sql`SELECT ${st} AS status, ${int(i + 1)} AS o`);
  const cells = withCtes(
    [
      ['act', sql`SELECT DISTINCT actor, bd, ${periodIndex(g, raw('ts'))} AS idx FROM (${src.rows}) e`, true],
      [
        // The neighbours of each active period; NULL at the ends, spelled out (ClickHouse's lag
        // and lead give the type's default, not NULL, past the partition's rows).
        'seq',
        sql`SELECT actor, bd, idx,
                   CASE WHEN row_number() OVER w = 1 THEN NULL ELSE lag(idx) OVER w END AS prev,
                   CASE WHEN row_number() OVER w = count(*) OVER (PARTITION BY actor, bd) THEN NULL ELSE lead(idx) OVER w END AS nxt,
                   min(idx) OVER (PARTITION BY actor, bd) AS fst
            FROM act WINDOW w AS (PARTITION BY actor, bd ORDER BY idx)`,
      ],
      [
        'st',
        sql`SELECT seq.idx AS idx, seq.bd AS bd,
                   CASE WHEN seq.idx = seq.fst THEN 'new' WHEN seq.prev = seq.idx - 1 THEN 'returning' ELSE 'resurrecting' END AS status
            FROM seq
            UNION ALL SELECT seq.idx + 1 AS idx, seq.bd AS bd, 'dormant' AS status FROM seq
            WHERE seq.nxt IS NULL OR seq.nxt > seq.idx + 1`,
      ],
      [
        'bounds',
        sql`SELECT coalesce(${fromIndex(g, src.from)}, ${func('min', [raw('idx')])}) AS lo, ${lastIndex(g, src.asOf)} AS hi FROM act`,
      ],
      [
        'counts',
        sql`SELECT st.idx AS idx, st.bd AS bd, st.status AS status, count(*) AS n FROM st, bounds
            WHERE st.idx BETWEEN bounds.lo AND bounds.hi GROUP BY st.idx, st.bd, st.status`,
      ],
      ['vals', sql`SELECT DISTINCT bd FROM act`],
      [
        'grid',
        sql`SELECT p.idx AS idx, v.bd AS bd, s.status AS status, s.o AS o
            FROM (SELECT ${fn.series(raw('lo'), raw('hi'))} AS idx FROM bounds) p, vals v,
                 (${list(statuses, ' UNION ALL ')}) s`,
      ],
    ],
    sql`SELECT g.idx AS idx, g.o AS o, ${periodLabel(g, sql`g.idx`)} AS period, g.bd AS breakdown, g.status AS status,
               CASE WHEN g.status = 'dormant' THEN -1 ELSE 1 END * coalesce(c.n, 0) AS actors,
               ${partialPeriod(g, src.asOf, dataDay)} AS partial
        FROM grid g
        LEFT JOIN counts c ON c.idx = g.idx AND ${fn.nullSafeEquals(raw('c.bd'), raw('g.bd'))} AND c.status = g.status`,
    [['breakdown', 'first'], 'idx', 'o'],
  );
  return { ...base, cells };
}

export interface LifecycleSeries {
  breakdown_value?: JsonValue;
  labels: string[];
  partial: boolean[];
  /** Per status, actors per period (dormant ≤ 0). */
  new: number[];
  returning: number[];
  resurrecting: number[];
  dormant: number[];
}

export interface LifecycleResult {
  params: LifecycleParams;
  as_of: string | null;
  /** The first day of the range, when one is set (`from`, or a date range filter on the event time). */
  from: string | null;
  event: string;
  period: LifecycleParams['period'];
  breakdown?: string;
  series: LifecycleSeries[];
}

export async function lifecycleReport(ctx: ReportContext, input: unknown): Promise<LifecycleResult> {
  const plan = await planLifecycle(ctx, input);
  const rows = plan.cells ? (await ctx.engine.query(plan.cells)).rows : [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(r['breakdown'] ?? null);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const series = [...groups.values()].map((g): LifecycleSeries => {
    const of = (s: LifecycleStatus) => g.filter((r) => r['status'] === s);
    const labels = of('new').map((r) => String(r['period']));
    return {
      ...(plan.breakdown ? { breakdown_value: g[0]!['breakdown'] ?? null } : {}),
      labels,
      partial: of('new').map((r) => r['partial'] === true),
      new: of('new').map((r) => Number(r['actors'])),
      returning: of('returning').map((r) => Number(r['actors'])),
      resurrecting: of('resurrecting').map((r) => Number(r['actors'])),
      dormant: of('dormant').map((r) => Number(r['actors'])),
    };
  });
  return {
    params: plan.params,
    as_of: plan.asOf,
    from: plan.from ?? null,
    event: plan.params.event,
    period: plan.params.period,
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    series,
  };
}

export const lifecycle = defineReport<LifecycleParams>({
  name: 'lifecycle',
  description:
    'Lifecycle of actors per period: new, returning, resurrecting and dormant (negative), for one event',
  // On both engines (tests/parity/insights.test.ts).
  engines: ['duckdb', 'clickhouse'],
  schema: LifecycleParamsSchema,
  lists: ({ breakdown }) => listedBreakdown(breakdown),
  async run(ctx, params) {
    const json = await lifecycleReport(ctx, params);
    const data: Row[] = json.series.flatMap((s) =>
      s.labels.flatMap((period, i) =>
        LIFECYCLE_STATUSES.map((status) => ({
          period,
          breakdown: s.breakdown_value ?? null,
          status,
          actors: s[status][i]!,
          partial: s.partial[i]!,
        })),
      ),
    );
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: [...LIFECYCLE_COLUMNS], data },
    };
  },
});
