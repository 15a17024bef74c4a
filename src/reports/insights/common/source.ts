import type { LogicalFilter } from '../../../model/logical-query';
import type { Dimension } from '../../../model/types';
import { cubeNames, cubesOf } from '../../../query/planner';
import { cast, func, param, raw, type SelectColumn, type SqlNode, sql } from '../../../sql';
import { MemberCompiler } from '../../../sql/compile/members';
import { WEB_EVENTS } from '../../../util/vocabulary';
import { resolveAsOf } from '../../common/as-of';
import { sourceBreakdown } from '../../common/breakdown';
import type { ReportContext } from '../../common/context';
import { checkEventsPresent } from '../../common/event-names';
import type { PopulationInput } from '../../common/population';
import { localTime, population, populationRows } from '../../common/population';
import { earlier, later, splitTimeRange } from '../../common/time-range';
import type { InsightActor } from './params';

/** The cube every insight reads. */
export const SOURCE = 'web_events';

export interface InsightInput extends PopulationInput {
  readonly actor: InsightActor;
  readonly breakdown?: string | undefined;
  readonly as_of?: string | undefined;
  readonly from?: string | undefined;
}

export interface InsightEvents {
  /** The reference date: rows before its midnight (report zone) count; null when there are none. */
  readonly asOf: string | null;
  /**
   * The first day of the range: the later of the `from` given and the start of a date range
   * filter on the event time (which becomes `from` and as_of instead of a row condition).
   */
  readonly from: string | undefined;
  /** The breakdown dimension's full name, when asked. */
  readonly breakdown?: string;
  /**
   * The counted rows: actor, ts (local wall-clock time), event, bd (the breakdown's value, NULL
   * without one), cust (the row's customer id), session, eid (event id). Rows without an actor
   * (unless `anyActor`) and rows at or after as_of are left out; `from` is not applied (reports
   * look back past it), nor is a date range filter on the event time (it is `from` and as_of).
   */
  readonly rows: SqlNode;
}

/**
 * The member whose values a breakdown lists, for the server's access check (lists() has no
 * model): `plan`-like names and `properties.*` are web_events' own; `cube.member` is itself.
 */
export function listedBreakdown(name: string | undefined): { member: string; because: string }[] {
  if (name === undefined) return [];
  const parts = name.split('.');
  const member =
    parts[0] === SOURCE
      ? `${SOURCE}.${parts[1]}`
      : parts.length === 1 || parts[0] === 'properties'
        ? `${SOURCE}.${parts[0]}`
        : `${parts[0]}.${parts[1]}`;
  return [{ member, because: 'breakdown: its values key the output' }];
}

/** Refuses event names neither rapport knows nor present in the rows the user may see. */
export async function checkEvents(
  ctx: ReportContext,
  names: readonly { readonly name: string; readonly where: string }[],
): Promise<void> {
  await checkEventsPresent(ctx, SOURCE, 'event', names, WEB_EVENTS);
}

/** The actor of a row. */
function actorExpr(actor: InsightActor, d: (name: string) => SqlNode): SqlNode {
  switch (actor) {
    case 'person':
      return sql`coalesce(${d('customer_id')}, ${d('anonymous_id')})`;
    case 'customer':
      return d('customer_id');
    case 'anonymous':
      return d('anonymous_id');
    case 'session':
      return d('session_id');
  }
}

/**
 * The first day (YYYY-MM-DD, in the report's zone) of the web events the user may see, whatever
 * the filters: where the data begins. A period that starts before it holds less than a whole
 * period of data (the demo's history begins on a Thursday), so it is as partial as one cut by a
 * range. Undefined when there are no events. DuckDB answers it from the column's statistics.
 */
export async function firstEventDay(
  ctx: ReportContext,
  params: PopulationInput,
): Promise<string | undefined> {
  const p = population(ctx, SOURCE, { ...params, filters: [], segments: [] });
  const rows = populationRows(ctx, p, [{ expr: localTime(p, 'occurred_at'), alias: 'ts' }]);
  const r = await ctx.engine.query(
    sql`SELECT ${cast(cast(func('min', [raw('ts')]), 'date'), 'text')} AS d FROM (${rows}) AS t`,
  );
  const d = r.rows[0]?.['d'];
  return typeof d === 'string' ? d : undefined;
}

/**
 * The rows an insight counts: the population (row rules, filters, segments), only `events`
 * when given, with the actor, local time and breakdown value.
 */
export async function insightEvents(
  ctx: ReportContext,
  params: InsightInput,
  events: readonly string[] | undefined,
  options: {
    /** Keeps rows without an actor (paths read whole sessions; only the anchor needs one). */
    readonly anyActor?: boolean;
    /** More columns of the rows, over the source cube (a series' filter as a condition). */
    readonly extra?: readonly SelectColumn[];
  } = {},
): Promise<InsightEvents> {
  const bdDim = params.breakdown === undefined ? undefined : sourceBreakdown(ctx, SOURCE, params.breakdown);
  const joins = bdDim ? [...cubeNames(cubesOf(ctx.model, bdDim.cube, [bdDim.sql]))] : [];
  const all = population(ctx, SOURCE, params, joins);
  const range = splitTimeRange(all.where, `${SOURCE}.occurred_at`);
  const p = { ...all, where: range.where };
  const cube = ctx.model.cubes.get(SOURCE)!;
  const members = new MemberCompiler(ctx.model);
  const dim = (name: string): Dimension => {
    const x = cube.dimensions.get(name);
    if (!x) throw new Error(`${SOURCE} has no dimension ${name}`);
    return x;
  };
  const d = (name: string) => members.dimension(dim(name));
  const onlyEvents: LogicalFilter | undefined =
    events === undefined
      ? undefined
      : { kind: 'condition', member: dim('event'), operator: 'equals', values: [...new Set(events)] };
  const where: LogicalFilter | undefined =
    onlyEvents && p.where ? { kind: 'and', children: [p.where, onlyEvents] } : (onlyEvents ?? p.where);
  const ts = localTime(p, 'occurred_at');
  const resolved = await resolveAsOf(
    ctx.engine,
    params.as_of,
    populationRows(ctx, { ...p, where }, [{ expr: ts, alias: 'ts' }]),
    'ts',
  );
  const asOf = resolved === null ? null : (earlier(resolved, range.until) ?? resolved);
  const rows = populationRows(ctx, { ...p, where }, [
    { expr: actorExpr(params.actor, d), alias: 'actor' },
    { expr: ts, alias: 'ts' },
    { expr: d('event'), alias: 'event' },
    // Without a breakdown, a typed NULL (ClickHouse's bare NULL has no type to group on).
    { expr: bdDim ? members.dimension(bdDim) : cast(raw('NULL'), 'text'), alias: 'bd' },
    { expr: d('customer_id'), alias: 'cust' },
    { expr: d('session_id'), alias: 'session' },
    { expr: d('event_id'), alias: 'eid' },
    ...(options.extra ?? []),
  ]);
  const cut = cast(param(asOf ?? '1970-01-01'), 'timestamp');
  return {
    asOf,
    from: later(params.from, range.from),
    ...(bdDim ? { breakdown: bdDim.fullName } : {}),
    rows: sql`SELECT * FROM (${rows}) WHERE ${options.anyActor ? sql`` : sql`actor IS NOT NULL AND `}ts < ${cut}`,
  };
}
