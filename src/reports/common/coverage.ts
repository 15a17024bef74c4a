import type { Row } from '../../engine';
import { splitMemberName } from '../../model/names';
import type { Model } from '../../model/types';
import { formatWallTime, wallClock } from '../../query/date-range';
import { ident, param, type RenderedSql, render, sql } from '../../sql';
import { compilePopulation } from '../../sql/compile/rows';
import type { ReportContext } from './context';
import { population } from './population';

/** Where the loaded data lies in time, as wall-clock times in a zone ('YYYY-MM-DDTHH:mm:ss.SSS'). */
export interface Coverage {
  /** When the member's fact begins: its first row's time; null when it has none. */
  readonly from: string | null;
  /**
   * When the warehouse's data ends: the latest row up to now over every cube's declared
   * `time_dimension` (a quiet fact, such as campaign responses between campaigns, is covered
   * as long as the rest of the warehouse is); null when nothing is loaded.
   */
  readonly to: string | null;
}

/** Runs a statement, through a cache keyed by the statement and the warehouse version. */
export type RunCached = (statement: RenderedSql) => Promise<readonly Row[]>;

const local = (value: unknown, timeZone: string): string | null =>
  typeof value === 'string' ? formatWallTime(wallClock(new Date(`${value}Z`), timeZone)) : null;

function bound(ctx: ReportContext, member: string, aggregate: 'min' | 'max'): RenderedSql {
  const [cube, name] = splitMemberName(member) ?? [];
  const dimension = ctx.model.cubes.get(cube ?? '')?.dimensions.get(name ?? '');
  if (dimension?.type !== 'time') throw new Error(`${member} is not a time dimension`);
  const p = population(ctx, dimension.cube, { filters: [], segments: [] });
  const now = ctx.now();
  // The row's time is `t`, the bound `at`: ClickHouse reads a name in WHERE that is also an
  // alias of the SELECT as that alias (an aggregate there). The bound is a typed parameter, so
  // each dialect casts it its own way.
  const rows = compilePopulation(ctx.model, p, (m) => [{ expr: m.dimension(dimension), alias: 't' }], now);
  const [t, at, times] = [ident('t'), ident('at'), ident('times')];
  const upToNow =
    aggregate === 'max'
      ? sql`SELECT max(${t}) AS ${at} FROM (${rows}) AS ${times} WHERE ${t} <= ${param(now.toISOString().slice(0, 23).replace('T', ' '), 'timestamp')}`
      : sql`SELECT min(${t}) AS ${at} FROM (${rows}) AS ${times}`;
  return render(upToNow, ctx.engine.dialect);
}

/** Every cube's declared time dimension (`time_dimension:` in its file). */
function declaredTimes(model: Model): string[] {
  return [...model.cubes.values()]
    .filter((c) => c.timeDimension !== undefined)
    .map((c) => `${c.name}.${c.timeDimension}`);
}

/** The data's coverage for comparisons over `member` (a time dimension), in `timeZone`. */
export async function coverageOf(
  ctx: ReportContext,
  member: string,
  timeZone: string,
  run: RunCached,
): Promise<Coverage> {
  const first = await run(bound(ctx, member, 'min'));
  const lasts = await Promise.all(declaredTimes(ctx.model).map((m) => run(bound(ctx, m, 'max'))));
  const latest = lasts
    .map((rows) => rows[0]?.['at'])
    .filter((v): v is string => typeof v === 'string')
    .sort()
    .at(-1);
  return { from: local(first[0]?.['at'], timeZone), to: local(latest, timeZone) };
}
