import { AppError } from '../../errors';
import { joinPath } from '../../model/join-graph';
import type { LogicalFilter } from '../../model/logical-query';
import { findMember } from '../../model/lookup';
import type { Dimension } from '../../model/types';
import { cubeNames, cubesOf } from '../../query/planner';
import { list, param, type SqlNode, sql, timeBucket } from '../../sql';
import { MemberCompiler } from '../../sql/compile/members';
import { WEB_EVENTS } from '../../util/vocabulary';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { type Cte, withCtes } from '../common/ctes';
import { checkEventNames, eventsPresent } from '../common/event-names';
import { parseParams } from '../common/params';
import { localTime, population, populationRows } from '../common/population';
import { excludedActors, exclusionCtes } from './exclusions';
import { chainSingle, grouped, unordered, us, W } from './modes';
import { FUNNEL_SOURCES, type FunnelParams, FunnelParamsSchema, parseDuration } from './params';
import { type CompiledSteps, compileSteps, int, maskExpr } from './steps';

/**
 * The SQL of a funnel (docs/analytics.md, "Funnel"): the rows, a mode's landings (modes.ts), the
 * exclusions (exclusions.ts), and what the report reads from them.
 */
export interface FunnelPlan {
  readonly params: FunnelParams;
  /** The reference date; null when the source has no rows in the population. */
  readonly asOf: string | null;
  readonly windowSeconds: number;
  readonly steps: CompiledSteps;
  /** The breakdown dimension's full name, when asked. */
  readonly breakdown?: string;
  /** One row per actor that reached step 1: actor, level, breakdown (null without one). */
  readonly actors: SqlNode;
  /** (k, actor, d_us): actors with level >= k and their shortest time from step 1 to step k, in µs. */
  readonly reach: SqlNode;
  /**
   * Per step (and breakdown value): total (true for the all-actors rows), breakdown, k, actors,
   * customers (the actors that are known customers: what a target group of the step holds),
   * q = [median, p90] of seconds from step 1 to step k (DuckDB quantile_cont).
   */
  readonly summary: SqlNode;
  /** (customer_id, level) of the actors that are known customers; with `known` only. */
  readonly customers?: SqlNode;
  /** With conversion_over_time: (period, entered, converted) by the period of the actor's step 1. */
  readonly overTime?: SqlNode;
  /** (bin, from_s, to_s, actors): the time from step 1 to the last step of the actors who got there. */
  readonly timeToConvert?: SqlNode;
  /** With correlation: (event, success_with, failure_with) and the totals (successes, failures). */
  readonly correlation?: { readonly counts: SqlNode; readonly totals: SqlNode };
}

/**
 * The breakdown dimension: a dimension of the source cube (`source` or `web_events.source`), a key
 * of one of its JSON dimensions (`properties.$browser`) or a dimension of a cube it joins
 * (`customers.region`: the actor's customer on the step-1 row).
 */
function breakdownDimension(ctx: ReportContext, source: string, name: string): Dimension {
  const head = name.split('.')[0]!;
  const full =
    head !== source && ctx.model.cubes.has(head)
      ? name
      : name.startsWith(`${source}.`)
        ? name
        : `${source}.${name}`;
  const cube = full.split('.')[0]!;
  const short = full.slice(cube.length + 1);
  const parent = ctx.model.cubes.get(cube)?.dimensions.get(short.split('.')[0]!);
  // A key of a JSON dimension (`properties.$browser`) is a dimension of its cube too.
  const d = short.includes('.')
    ? parent?.json
      ? (findMember(ctx.model, full, 'dimension', 'breakdown').member as Dimension)
      : undefined
    : parent;
  if (!d) {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown: ${name} is not a dimension of ${source} or of a cube it joins (e.g. ${source}.${[...(ctx.model.cubes.get(source)?.dimensions.keys() ?? [])].slice(0, 4).join(`, ${source}.`)})`,
    );
  }
  if (d.type === 'time') {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown: ${d.fullName} is a time dimension; break down by a property`,
    );
  }
  if (d.cube !== source && joinPath(ctx.model.edges, source, d.cube) === undefined) {
    throw new AppError('VALIDATION_FAILED', `breakdown: ${source} does not join ${d.cube}`);
  }
  return d;
}

export interface PlanOptions {
  /** Adds the known-customer flag to the rows (for `customers`). */
  readonly known?: boolean;
}

/** Parses the parameters, resolves as_of and builds the funnel's SQL. */
export async function planFunnel(
  ctx: ReportContext,
  input: unknown,
  options: PlanOptions = {},
): Promise<FunnelPlan> {
  const params = parseParams(FunnelParamsSchema, input, 'funnel');
  const windowSeconds = parseDuration(params.window)!;
  const src = FUNNEL_SOURCES[params.source];
  const bdDim =
    params.breakdown === undefined ? undefined : breakdownDimension(ctx, params.source, params.breakdown);
  const p = population(
    ctx,
    params.source,
    params,
    bdDim ? [...cubeNames(cubesOf(ctx.model, bdDim.cube, [bdDim.sql]))] : [],
  );
  const cube = ctx.model.cubes.get(params.source)!;
  const members = new MemberCompiler(ctx.model);
  const dim = (name: string): Dimension => {
    const d = cube.dimensions.get(name);
    if (!d) throw new Error(`${params.source} has no dimension ${name}`);
    return d;
  };
  const d = (name: string) => members.dimension(dim(name));
  const steps = compileSteps(ctx.model, params.source, params.steps, p.timezone, ctx.now());
  if (src.events === undefined) {
    // The names rapport knows are always steps (an empty warehouse gives a funnel of zeros); any
    // other must be present in the data the user may see.
    const present = await eventsPresent(ctx, params.source, src.event);
    checkEventNames(
      [
        ...params.steps.map((s, i) => ({ name: s.event, where: `steps.${i}.event` })),
        ...params.exclusions.map((x, i) => ({ name: x.event, where: `exclusions.${i}.event` })),
      ],
      [...new Set([...WEB_EVENTS, ...present])],
      params.source,
    );
  }

  const asOf = await resolveAsOf(
    ctx.engine,
    params.as_of,
    populationRows(ctx, p, [{ expr: localTime(p, src.ts), alias: 'ts' }]),
    'ts',
  );
  const day = param(asOf ?? '1970-01-01', 'TIMESTAMP');
  const cut: SqlNode =
    p.timezone === undefined ? day : { kind: 'local_to_utc', expr: day, timezone: p.timezone };

  // Actors that may be a customer or an anonymous visitor: which are customers is looked up.
  const mixed = (params.actor === 'customer_then_anonymous' || params.actor === 'session') && src.anonymous;
  // A session is an actor of its own; its customer (when known) is what a target group keeps.
  const bySession = params.actor === 'session' && src.anonymous;
  const actor =
    params.actor === 'anonymous'
      ? d('anonymous_id')
      : bySession
        ? d('session_id')
        : params.actor === 'customer' || !src.anonymous
          ? d('customer_id')
          : sql`coalesce(${d('customer_id')}, ${d('anonymous_id')})`;
  const eventDim = dim(src.event);
  const onlyEvents: LogicalFilter = {
    kind: 'condition',
    member: eventDim,
    operator: 'equals',
    values: steps.events,
  };
  const rows = populationRows(
    ctx,
    { ...p, where: p.where ? { kind: 'and', children: [p.where, onlyEvents] } : onlyEvents },
    [
      { expr: actor, alias: 'actor' },
      { expr: d(src.ts), alias: 'ts' },
      { expr: maskExpr(steps, members.dimension(eventDim)), alias: 'mask' },
      ...(bdDim ? [{ expr: members.dimension(bdDim), alias: 'bd' }] : []),
      ...(mixed ? [{ expr: d('customer_id'), alias: 'cust' }] : []),
    ],
  );
  const ev = sql`SELECT * FROM (${rows}) WHERE mask <> 0 AND actor IS NOT NULL AND ts < ${cut}`;

  const excluded = exclusionCtes(ctx, params, p, eventDim, actor, d(src.ts), cut);

  const w = W(windowSeconds);
  const windowUs = param(windowSeconds * 1_000_000, 'BIGINT');
  const bd = bdDim !== undefined;
  const built =
    params.mode === 'unordered'
      ? unordered(steps, windowUs)
      : params.mode === 'ordered' && steps.singleStep
        ? chainSingle(steps, w, bd, false)
        : params.mode === 'strict' && steps.singleStep
          ? chainSingle(steps, w, bd, true)
          : grouped(steps, w, bd, params.mode === 'strict');

  const base: Cte[] = [['ev', ev, true], ...built.ctes];
  const byLevel = (f: (level: SqlNode, k: number) => SqlNode) =>
    list(
      built.levels.map((l, i) => f(l, i + 1)),
      '\nUNION ALL\n',
    );
  const land: Cte = [
    'land',
    byLevel((l, k) => sql`SELECT ${int(k)} AS k, actor, ts, d, s, bd FROM (${l})`),
    excluded.length > 0,
  ];
  // The path counted for an actor: the one reaching their furthest step first; its start and the
  // time it reached that step (µs). Exclusions are read against it.
  const path: Cte = [
    'path',
    sql`SELECT actor, max(k) AS level, arg_min(s, {'k': -k, 't': ts}) AS start_us,
               arg_min(s + d, {'k': -k, 't': ts}) AS end_us FROM land GROUP BY actor`,
  ];
  // The excluded actors (none without exclusions), and what reading them needs before them.
  const exclusion: Cte[] =
    excluded.length > 0 ? [...excluded, ...excludedActors(params.exclusions, steps.steps.length)] : [];
  const withPath: Cte[] = [land, path, ...exclusion];
  const outCtes: Cte[] = exclusion.length > 0 ? withPath : [];
  const kept = excluded.length > 0 ? sql` WHERE actor NOT IN (SELECT actor FROM out)` : sql``;
  const reach: Cte = [
    'reach',
    sql`SELECT * FROM (${byLevel((l, k) => sql`SELECT ${int(k)} AS k, actor, min(d) AS d FROM (${l}) GROUP BY actor`)})${kept}`,
  ];
  // The counted chain: the one reaching the actor's level first, latest-starting among those
  // (ordered, strict); unordered: the earliest anchor reaching the level, and its first step-1 row.
  const perActorRest: Cte[] =
    params.mode === 'unordered' && bd
      ? [
          [
            'pick',
            sql`SELECT actor, max(k) AS level, arg_min(ts, {'k': -k, 't': ts}) AS anchor FROM land GROUP BY actor`,
          ],
          ['s1', sql`SELECT actor, ts, min(bd) AS bd FROM ev WHERE mask & 1 <> 0 GROUP BY actor, ts`],
        ]
      : [];
  const perActorQuery =
    params.mode === 'unordered' && bd
      ? sql`SELECT k.actor, k.level, s.bd FROM pick k ASOF LEFT JOIN s1 s ON s.actor = k.actor AND s.ts >= k.anchor`
      : sql`SELECT actor, max(k) AS level, ${bd ? sql`arg_min_null(bd, {'k': -k, 't': ts})` : sql`NULL`} AS bd FROM land GROUP BY actor`;
  // per_actor, less the excluded actors when there are exclusions.
  const actorCtes: Cte[] = [
    ...(exclusion.length > 0 ? withPath : [land]),
    ...perActorRest,
    ['per_actor', exclusion.length > 0 ? sql`SELECT * FROM (${perActorQuery})${kept}` : perActorQuery],
  ];

  const q = sql`quantile_cont(d / 1e6, [0.5, 0.9]) AS q`;
  // A target group holds customers: the report counts, per step, the actors a save would keep.
  const knownCte: Cte[] = mixed
    ? [
        [
          'known',
          // A session counts as a customer's when the customer is known in it.
          bySession
            ? sql`SELECT DISTINCT actor FROM ev WHERE cust IS NOT NULL`
            : sql`SELECT DISTINCT cust AS actor FROM ev WHERE cust IS NOT NULL`,
          true,
        ],
      ]
    : [];
  const isKnown = mixed
    ? sql`r.actor IN (SELECT actor FROM known)`
    : params.actor === 'anonymous' && src.anonymous
      ? sql`false`
      : sql`true`;
  const customers = sql`count(*) FILTER (WHERE ${isKnown}) AS customers`;
  const reachCtes: Cte[] = [...outCtes, reach];
  const summary = bd
    ? withCtes(
        [...base, ...knownCte, ...actorCtes, reach],
        sql`SELECT grouping(a.bd) = 1 AS total, a.bd AS breakdown, r.k, count(*) AS actors, ${customers}, ${q}
            FROM reach r JOIN per_actor a USING (actor)
            GROUP BY GROUPING SETS ((r.k), (a.bd, r.k)) ORDER BY total DESC, breakdown NULLS LAST, r.k`,
      )
    : withCtes(
        [...base, ...knownCte, ...reachCtes],
        sql`SELECT true AS total, NULL AS breakdown, r.k, count(*) AS actors, ${customers}, ${q} FROM reach r GROUP BY r.k ORDER BY r.k`,
      );
  const n = steps.steps.length;
  const overTime =
    params.conversion_over_time === undefined
      ? undefined
      : withCtes(
          [...base, ...withPath],
          sql`SELECT ${timeBucket(params.conversion_over_time, sql`make_timestamp(start_us)`, p.timezone)} AS period,
                     count(*) AS entered, count(*) FILTER (WHERE level = ${int(n)}) AS converted
              FROM path${kept} GROUP BY 1 ORDER BY 1`,
        );
  const timeToConvert = (bins: number) =>
    withCtes(
      [
        ...base,
        ...reachCtes,
        ['ttc', sql`SELECT d / 1e6 AS sec FROM reach WHERE k = ${int(n)}`],
        // Equal-width bins from the fastest to the slowest conversion (one bin when all are equal).
        [
          'lim',
          sql`SELECT lo, CASE WHEN hi > lo THEN (hi - lo) / ${int(bins)} ELSE 1 END AS w,
                   CASE WHEN hi > lo THEN ${int(bins)} ELSE 1 END AS nb
            FROM (SELECT min(sec) AS lo, max(sec) AS hi FROM ttc) WHERE lo IS NOT NULL`,
        ],
        ['ttc_bin', sql`SELECT least(CAST(floor((sec - lo) / w) AS INTEGER), nb - 1) AS b FROM ttc, lim`],
      ],
      sql`SELECT r.b AS bin, lim.lo + r.b * lim.w AS from_s, lim.lo + (r.b + 1) * lim.w AS to_s,
               (SELECT count(*) FROM ttc_bin WHERE ttc_bin.b = r.b) AS actors
        FROM lim, (SELECT CAST(unnest(range(nb)) AS INTEGER) AS b FROM lim) r ORDER BY r.b`,
    );
  const correlation = params.correlation
    ? (() => {
        const all = populationRows(ctx, p, [
          { expr: actor, alias: 'actor' },
          { expr: d(src.ts), alias: 'ts' },
          { expr: members.dimension(eventDim), alias: 'event' },
        ]);
        const paths: Cte[] = [...base, ...withPath, ['kept_path', sql`SELECT * FROM path${kept}`, true]];
        // After step 1 and before completing (or, for those who did not, the window's end).
        const counts = withCtes(
          [
            ...paths,
            [
              'allev',
              sql`SELECT actor, ${us('ts')} AS us, event FROM (${all}) WHERE actor IS NOT NULL AND ts < ${cut} AND event NOT IN (${list(steps.events.map((e) => param(e)))})`,
            ],
          ],
          sql`SELECT e.event, count(DISTINCT e.actor) FILTER (WHERE p.level = ${int(n)}) AS success_with,
                     count(DISTINCT e.actor) FILTER (WHERE p.level < ${int(n)}) AS failure_with
              FROM kept_path p JOIN allev e ON e.actor = p.actor AND e.us > p.start_us
                AND e.us < CASE WHEN p.level = ${int(n)} THEN p.end_us ELSE p.start_us + ${windowUs} END
              GROUP BY e.event ORDER BY e.event`,
        );
        const totals = withCtes(
          paths,
          sql`SELECT count(*) FILTER (WHERE level = ${int(n)}) AS successes, count(*) FILTER (WHERE level < ${int(n)}) AS failures FROM kept_path`,
        );
        return { counts, totals };
      })()
    : undefined;
  const known = mixed ? sql`actor IN (SELECT cust FROM ev WHERE cust IS NOT NULL)` : sql`true`;
  return {
    params,
    asOf,
    windowSeconds,
    steps,
    ...(bdDim ? { breakdown: bdDim.fullName } : {}),
    actors: withCtes([...base, ...actorCtes], sql`SELECT actor, level, bd AS breakdown FROM per_actor`),
    reach: withCtes([...base, ...reachCtes], sql`SELECT k, actor, d AS d_us FROM reach`),
    summary,
    ...(overTime ? { overTime } : {}),
    ...(correlation ? { correlation } : {}),
    ...(params.time_to_convert_bins === undefined
      ? {}
      : { timeToConvert: timeToConvert(params.time_to_convert_bins) }),
    ...(options.known
      ? {
          customers: withCtes(
            [...base, ...actorCtes],
            bySession
              ? // A customer's furthest session.
                sql`SELECT s.cust AS customer_id, max(a.level) AS level FROM per_actor a
                    JOIN (SELECT DISTINCT actor, cust FROM ev WHERE cust IS NOT NULL) s USING (actor) GROUP BY s.cust`
              : sql`SELECT actor AS customer_id, level FROM per_actor WHERE ${known}`,
          ),
        }
      : {}),
  };
}
