import type { JsonValue, Row } from '../../engine';
import { raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { periodIndex, periodLabel, periodStart } from '../insights/common/periods';
import { checkEvents, insightEvents, listedBreakdown } from '../insights/common/source';
import { date, fromIndex, lastIndex, withCtes } from '../insights/common/sql';
import { type LifecycleParams, LifecycleParamsSchema, parseLifecycle } from './params';

export const LIFECYCLE_STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export const LIFECYCLE_COLUMNS = ['period', 'breakdown', 'status', 'actors', 'partial'] as const;

export interface LifecyclePlan {
  readonly params: LifecycleParams;
  readonly asOf: string | null;
  readonly breakdown?: string;
  /** Per period of the range, breakdown value and status (zero-filled): actors, dormant negative. */
  readonly cells?: SqlNode;
}

/**
 * PostHog's lifecycle over one event. An actor active in period p (at least one event) is new
 * when p is their first active period ever (before as_of), returning when they were active in
 * p − 1, resurrecting otherwise; an actor active in p − 1 and not in p is dormant in p, counted
 * negative. History before `from` decides the statuses; only periods from `from` are reported.
 */
export async function planLifecycle(ctx: ReportContext, input: unknown): Promise<LifecyclePlan> {
  const params = parseLifecycle(input);
  await checkEvents(ctx, [{ name: params.event, where: 'event' }]);
  const src = await insightEvents(ctx, params, [params.event]);
  const base = { params, asOf: src.asOf, ...(src.breakdown ? { breakdown: src.breakdown } : {}) };
  if (src.asOf === null) return base;
  const g = params.period;
  const cells = withCtes(
    [
      ['act', sql`SELECT DISTINCT actor, bd, ${periodIndex(g, raw('ts'))} AS idx FROM (${src.rows})`, true],
      [
        'seq',
        sql`SELECT actor, bd, idx, lag(idx) OVER w AS prev, lead(idx) OVER w AS next, min(idx) OVER (PARTITION BY actor, bd) AS first
            FROM act WINDOW w AS (PARTITION BY actor, bd ORDER BY idx)`,
      ],
      [
        'st',
        sql`SELECT idx, bd, CASE WHEN idx = first THEN 'new' WHEN prev = idx - 1 THEN 'returning' ELSE 'resurrecting' END AS status FROM seq
            UNION ALL SELECT idx + 1, bd, 'dormant' FROM seq WHERE next IS NULL OR next > idx + 1`,
      ],
      [
        'bounds',
        sql`SELECT coalesce(${fromIndex(g, params.from)}, min(idx)) AS lo, ${lastIndex(g, src.asOf)} AS hi FROM act`,
      ],
      [
        'counts',
        sql`SELECT idx, bd, status, count(*) AS n FROM st, bounds WHERE idx BETWEEN lo AND hi GROUP BY ALL`,
      ],
      ['vals', sql`SELECT DISTINCT bd FROM act`],
      [
        'grid',
        sql`SELECT p.idx, v.bd, s.status, s.o
            FROM (SELECT unnest(generate_series(lo, hi)) AS idx FROM bounds) p, vals v,
                 (SELECT unnest(['new', 'returning', 'resurrecting', 'dormant']) AS status, unnest([1, 2, 3, 4]) AS o) s`,
      ],
    ],
    sql`SELECT ${periodLabel(g, sql`g.idx`)} AS period, g.bd AS breakdown, g.status,
               CASE WHEN g.status = 'dormant' THEN -1 ELSE 1 END * coalesce(c.n, 0) AS actors,
               ${periodStart(g, sql`(g.idx + 1)`)} > ${date(src.asOf)} AS partial
        FROM grid g LEFT JOIN counts c ON c.idx = g.idx AND c.bd IS NOT DISTINCT FROM g.bd AND c.status = g.status
        ORDER BY g.bd NULLS FIRST, g.idx, g.o`,
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
