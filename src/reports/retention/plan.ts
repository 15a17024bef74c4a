import { cast, fn, func, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { periodIndex, periodLabel, periodStart } from '../insights/common/periods';
import { checkEvents, insightEvents } from '../insights/common/source';
import { type Cte, date, fromIndex, int, lastIndex, withCtes } from '../insights/common/sql';
import { parseRetention, type RetentionParams } from './params';

export interface RetentionPlan {
  readonly params: RetentionParams;
  readonly asOf: string | null;
  /** The first day of the range (the later of `from` and a date range filter's start), if any. */
  readonly from: string | undefined;
  readonly breakdown?: string;
  /**
   * Per cohort (and breakdown value) and offset 0 … periods − 1 whose period started before
   * as_of, zero-filled: cohort, breakdown, period_offset, cohort_size, actors, partial.
   */
  readonly cells?: SqlNode;
  /** (actor, cohort 'YYYY-MM-DD', offset k >= 1, known): who came back when; with the members. */
  readonly returns?: SqlNode;
  /** (actor, cohort, known) of every cohort. */
  readonly cohorts?: SqlNode;
}

/**
 * PostHog's retention: an actor in the cohort of period c (their first start event's period,
 * or with `recurring` any period with a start event) is retained at offset k >= 1 when they have
 * a return event in period c + k; offset 0 is the cohort's size. Periods are calendar periods
 * of the report's zone; cohorts from `from` (else the first) to the period before as_of.
 */
export async function planRetention(ctx: ReportContext, input: unknown): Promise<RetentionPlan> {
  const params = parseRetention(input);
  const start = params.start_event;
  const back = params.return_event ?? start;
  await checkEvents(ctx, [
    { name: start, where: 'start_event' },
    ...(params.return_event === undefined ? [] : [{ name: back, where: 'return_event' }]),
  ]);
  const src = await insightEvents(ctx, params, [start, back]);
  const base = {
    params,
    asOf: src.asOf,
    from: src.from,
    ...(src.breakdown ? { breakdown: src.breakdown } : {}),
  };
  if (src.asOf === null) return base;
  const g = params.period;
  const idx = periodIndex(g, raw('ts'));
  // A known customer: the actor is a customer id (what a target group can hold).
  const known =
    params.actor === 'customer'
      ? sql`true`
      : params.actor === 'person'
        ? fn.asBoolean(sql`c.actor IN (SELECT cust FROM ev WHERE cust IS NOT NULL)`)
        : sql`false`;
  const bd = src.breakdown !== undefined;
  const cohorts: SqlNode =
    params.type === 'first_time'
      ? // The first start event; among tied first events the least breakdown value (NULL last:
        // min passes NULLs over, and is NULL only when every tied value is).
        bd
        ? sql`SELECT f.actor AS actor, ${periodIndex(g, raw('f.t'))} AS idx, min(f.bd) AS bd FROM (
                SELECT actor, ts, bd, min(ts) OVER (PARTITION BY actor) AS t FROM ev WHERE event = ${start}) f
              WHERE f.ts = f.t GROUP BY f.actor, f.t`
        : sql`SELECT f.actor AS actor, ${periodIndex(g, raw('f.t'))} AS idx, f.bd AS bd FROM (
                SELECT actor, ${func('min', [raw('ts')])} AS t, ${cast(raw('NULL'), 'text')} AS bd FROM ev WHERE event = ${start} GROUP BY actor) f`
      : sql`SELECT DISTINCT actor, ${idx} AS idx, bd FROM ev WHERE event = ${start}`;
  const lo = fromIndex(g, src.from);
  const hi = lastIndex(g, src.asOf);
  const ctes: Cte[] = [
    // Not materialized: the start and return rows are two filtered scans, cheaper than a copy.
    ['ev', sql`SELECT actor, ts, event, bd, cust FROM (${src.rows}) e`],
    ['bounds', sql`SELECT ${hi} AS hi`],
    [
      'coh',
      sql`SELECT * FROM (${cohorts}) c WHERE idx <= (SELECT hi FROM bounds)${
        src.from === undefined ? sql`` : sql` AND idx >= ${lo}`
      }`,
      true,
    ],
    ['ret', sql`SELECT DISTINCT actor, ${idx} AS idx FROM ev WHERE event = ${back}`],
    [
      // The period conditions in WHERE: an inner join's ON takes only equalities everywhere.
      'hits',
      sql`SELECT c.actor AS actor, c.idx AS idx, c.bd AS bd, r.idx - c.idx AS k FROM coh c JOIN ret r ON r.actor = c.actor
            WHERE r.idx > c.idx AND r.idx < c.idx + ${int(params.periods)} AND r.idx <= (SELECT hi FROM bounds)`,
    ],
  ];
  const cells = withCtes(
    [
      ...ctes,
      ['sizes', sql`SELECT coh.idx AS idx, coh.bd AS bd, count(*) AS size FROM coh GROUP BY coh.idx, coh.bd`],
      [
        'counts',
        sql`SELECT hits.idx AS idx, hits.bd AS bd, ${cast(raw('hits.k'), 'bigint')} AS k, count(*) AS n FROM hits
            GROUP BY hits.idx, hits.bd, hits.k`,
      ],
      [
        'grid',
        sql`SELECT idx, bd, size, ${cast(
          fn.series(raw('0'), fn.least(int(params.periods - 1), sql`(SELECT hi FROM bounds) - idx`)),
          'bigint',
        )} AS k FROM sizes`,
      ],
    ],
    sql`SELECT g.idx AS idx, ${periodLabel(g, sql`g.idx`)} AS cohort, g.bd AS breakdown, ${cast(raw('g.k'), 'integer')} AS period_offset,
               g.size AS cohort_size, CASE WHEN g.k = 0 THEN g.size ELSE coalesce(n.n, 0) END AS actors,
               ${fn.asBoolean(sql`${periodStart(g, sql`(g.idx + g.k + 1)`)} > ${date(src.asOf)}`)} AS partial
        FROM grid g
        LEFT JOIN counts n ON n.idx = g.idx AND ${fn.nullSafeEquals(raw('n.bd'), raw('g.bd'))} AND n.k = g.k`,
    ['idx', ['breakdown', 'first'], 'period_offset'],
  );
  return {
    ...base,
    cells,
    cohorts: withCtes(
      ctes,
      sql`SELECT c.actor AS actor, ${periodLabel(g, sql`c.idx`)} AS cohort, ${known} AS known FROM coh c`,
    ),
    returns: withCtes(
      ctes,
      sql`SELECT c.actor AS actor, ${periodLabel(g, sql`c.idx`)} AS cohort, c.k AS k, ${known} AS known FROM hits c`,
    ),
  };
}
