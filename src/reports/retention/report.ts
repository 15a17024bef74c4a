import type { JsonValue, Row } from '../../engine';
import { AppError } from '../../errors';
import { cast, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { listedBreakdown } from '../insights/common/source';
import { type RetentionParams, RetentionParamsSchema } from './params';
import { planRetention } from './plan';

export const RETENTION_COLUMNS = [
  'cohort',
  'breakdown',
  'period_offset',
  'cohort_size',
  'actors',
  'percentage',
  'partial',
] as const;

export interface RetentionCohort {
  cohort: string;
  breakdown_value?: JsonValue;
  size: number;
  /** Actors retained at offsets 0, 1, … (offset 0: the cohort), up to the last started period. */
  values: number[];
  percentages: number[];
  /** The offset whose period as_of cuts short, if any. */
  partial_offset: number | null;
}

export interface RetentionResult {
  params: RetentionParams;
  as_of: string | null;
  /** The first day of the range, when one is set (`from`, or a date range filter on the event time). */
  from: string | null;
  period: RetentionParams['period'];
  type: RetentionParams['type'];
  breakdown?: string;
  cohorts: RetentionCohort[];
}

export async function retentionReport(ctx: ReportContext, input: unknown): Promise<RetentionResult> {
  const plan = await planRetention(ctx, input);
  const rows = plan.cells ? (await ctx.engine.query(plan.cells)).rows : [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify([r['cohort'], r['breakdown'] ?? null]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const cohorts = [...groups.values()].map((g): RetentionCohort => {
    const size = Number(g[0]!['cohort_size']);
    const values = g.map((r) => Number(r['actors']));
    const cut = g.find((r) => r['partial'] === true);
    return {
      cohort: String(g[0]!['cohort']),
      ...(plan.breakdown ? { breakdown_value: g[0]!['breakdown'] ?? null } : {}),
      size,
      values,
      percentages: values.map((v) => v / size),
      partial_offset: cut === undefined ? null : Number(cut['period_offset']),
    };
  });
  return {
    params: plan.params,
    as_of: plan.asOf,
    from: plan.from ?? null,
    period: plan.params.period,
    type: plan.params.type,
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    cohorts,
  };
}

export const retention = defineReport<RetentionParams>({
  name: 'retention',
  description:
    'Retention of actors from a start event to a return event: cohorts (first time or recurring) by period offset, with counts and percentages',
  // On both engines (tests/parity/insights.test.ts).
  engines: ['duckdb', 'clickhouse'],
  schema: RetentionParamsSchema,
  lists: ({ breakdown }) => listedBreakdown(breakdown),
  async run(ctx, params) {
    const json = await retentionReport(ctx, params);
    const data: Row[] = json.cohorts.flatMap((c) =>
      c.values.map((actors, k) => ({
        cohort: c.cohort,
        breakdown: c.breakdown_value ?? null,
        period_offset: k,
        cohort_size: c.size,
        actors,
        percentage: c.percentages[k]!,
        partial: c.partial_offset === k,
      })),
    );
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: [...RETENTION_COLUMNS], data },
    };
  },
});

/**
 * The customers of one cohort, for a target group: at offset k, those who came back in period
 * cohort + k (`returned`) or did not (`not_returned`); at offset 0 the whole cohort returned.
 * Over every breakdown value. Anonymous actors and sessions are not customers: refused.
 */
export async function retentionMembers(
  ctx: ReportContext,
  params: unknown,
  slice: { cohort: string; offset: number; which: 'returned' | 'not_returned' },
): Promise<SqlNode> {
  const { breakdown: _ignored, ...rest } = (params ?? {}) as Record<string, unknown>;
  const plan = await planRetention(ctx, rest);
  // No customers, typed (a bare NULL has no type in ClickHouse).
  const none = sql`SELECT ${cast(raw('NULL'), 'text')} AS customer_id WHERE false`;
  if (plan.params.actor === 'anonymous' || plan.params.actor === 'session') {
    throw new AppError(
      'VALIDATION_FAILED',
      `actor: ${plan.params.actor} actors are not customers; save retention cohorts with actor person or customer`,
    );
  }
  if (slice.offset >= plan.params.periods) {
    throw new AppError(
      'VALIDATION_FAILED',
      `offset: the report has offsets 0 to ${plan.params.periods - 1}, not ${slice.offset}`,
    );
  }
  if (!plan.cohorts || !plan.returns) return none;
  const members = sql`SELECT DISTINCT actor FROM (${plan.cohorts}) c WHERE known AND cohort = ${slice.cohort}`;
  if (slice.offset === 0) {
    return slice.which === 'returned' ? sql`SELECT actor AS customer_id FROM (${members}) m` : none;
  }
  const back = sql`SELECT actor FROM (${plan.returns}) r WHERE cohort = ${slice.cohort} AND k = ${slice.offset}`;
  return slice.which === 'returned'
    ? sql`SELECT actor AS customer_id FROM (${members}) m WHERE actor IN (${back})`
    : sql`SELECT actor AS customer_id FROM (${members}) m WHERE actor NOT IN (${back})`;
}
