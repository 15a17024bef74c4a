import { AppError } from '../../errors';
import type { LogicalFilter } from '../../model/logical-query';
import type { Dimension } from '../../model/types';
import { list, raw, type SqlNode, sql } from '../../sql';
import { MemberCompiler } from '../../sql/compile/members';
import type { ReportContext } from '../common/context';
import type { Cte } from '../common/ctes';
import { type population, populationRows } from '../common/population';
import type { ActorKey } from './actor-keys';
import { us } from './modes';
import type { FunnelParams } from './params';
import { bit, compileSteps, hasBits, int, maskExpr } from './steps';

/**
 * The exclusion events' rows (xev: actor, us) as CTEs, none without exclusions. They are read
 * with the population's rules and filters, like the steps' rows.
 */
export function exclusionCtes(
  ctx: ReportContext,
  params: FunnelParams,
  p: ReturnType<typeof population>,
  eventDim: Dimension,
  actorId: SqlNode,
  /** The key of a row, as the steps' rows have it (the id, its hash, or the hash folded). */
  key: ActorKey,
  ts: SqlNode,
  cut: SqlNode,
): Cte[] {
  if (params.exclusions.length === 0) return [];
  const clash = params.exclusions.find(
    (x) => x.filters.length === 0 && params.steps.some((s) => s.event === x.event && s.filters.length === 0),
  );
  if (clash) {
    throw new AppError(
      'VALIDATION_FAILED',
      `exclusions: "${clash.event}" is a step of the funnel; an exclusion is another event (or the same one with filters)`,
    );
  }
  const excl = compileSteps(ctx.model, params.source, params.exclusions, p.timezone, ctx.now());
  const members = new MemberCompiler(ctx.model);
  const only: LogicalFilter = {
    kind: 'condition',
    member: eventDim,
    operator: 'equals',
    values: excl.events,
  };
  const rows = populationRows(
    ctx,
    { ...p, where: p.where ? { kind: 'and', children: [p.where, only] } : only },
    [
      { expr: actorId, alias: 'aid' },
      ...key.columns,
      { expr: ts, alias: 'ts' },
      { expr: maskExpr(excl, members.dimension(eventDim)), alias: 'xm' },
    ],
  );
  return [
    [
      'xev',
      sql`SELECT ${key.of('r')} AS actor, ${us('r.ts')} AS us, r.xm AS xm FROM (${rows}) r WHERE r.xm <> 0 AND r.aid IS NOT NULL AND r.ts < ${cut}`,
      true,
    ],
  ];
}

/**
 * `out`, the excluded actors: those with an exclusion event strictly between two steps of their
 * path (start_us .. end_us for the whole path). A step's time is the earliest landing at it that
 * starts where the path starts and is not after its end (`pt`); an actor who stopped before
 * `to_step` is read up to the furthest step (end_us), one who stopped at `from_step` or before has
 * an empty range.
 */
export function excludedActors(exclusions: FunnelParams['exclusions'], n: number): Cte[] {
  const ranges = exclusions.map((x, i) => ({ b: bit(i + 1), from: x.from_step ?? 1, to: x.to_step ?? n }));
  if (ranges.every((r) => r.from === 1 && r.to === n)) {
    return [
      [
        'out',
        sql`SELECT DISTINCT p.actor AS actor FROM path p JOIN xev x ON x.actor = p.actor WHERE x.us > p.start_us AND x.us < p.end_us`,
        true,
      ],
    ];
  }
  const ks = [...new Set(ranges.flatMap((r) => [r.from, r.to]).filter((k) => k > 1 && k < n))];
  const pt: Cte = [
    'pt',
    sql`SELECT l.actor AS actor, l.k AS k, min(${us('l.ts')}) AS t FROM land l
        JOIN path p ON p.actor = l.actor AND l.s = p.start_us
        WHERE ${us('l.ts')} <= p.end_us AND l.k IN (${list(ks.map(int))}) GROUP BY l.actor, l.k`,
    true,
  ];
  const each = ranges.map(({ b, from, to }) => {
    const lo = from === 1 ? sql`p.start_us` : sql`f.t`;
    const hi = to === n ? sql`p.end_us` : sql`CASE WHEN p.level > ${int(to)} THEN t.t ELSE p.end_us END`;
    return sql`SELECT p.actor AS actor FROM path p JOIN xev x ON x.actor = p.actor${
      from === 1 ? sql`` : sql` JOIN pt f ON f.actor = p.actor AND f.k = ${int(from)}`
    }${to === n ? sql`` : sql` LEFT JOIN (SELECT * FROM pt WHERE k = ${int(to)}) t ON t.actor = p.actor`}
      WHERE ${hasBits(raw('x.xm'), b)} AND x.us > ${lo} AND x.us < ${hi}`;
  });
  return [
    ...(ks.length > 0 ? [pt] : []),
    ['out', sql`SELECT DISTINCT actor FROM (${list(each, '\nUNION ALL\n')})`, true],
  ];
}
