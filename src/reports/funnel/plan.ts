import type { LogicalFilter } from '../../model/logical-query';
import type { Dimension } from '../../model/types';
import { cubeNames, cubesOf } from '../../query/planner';
import { cast, fn, list, param, raw, type SelectColumn, type SqlNode, sql } from '../../sql';
import { MemberCompiler } from '../../sql/compile/members';
import { WEB_EVENTS } from '../../util/vocabulary';
import { resolveAsOf } from '../common/as-of';
import { sourceBreakdown } from '../common/breakdown';
import type { ReportContext } from '../common/context';
import { type Cte, withCtes } from '../common/ctes';
import { checkEventsPresent } from '../common/event-names';
import { parseParams } from '../common/params';
import { localTime, population, populationRows } from '../common/population';
import { noStoredCtes, type StoredCtes } from '../common/stored-ctes';
import { splitTimeRange } from '../common/time-range';
import { type ActorKey, actorIds, defaultActorHash, foldNamed, keyNamesCustomer } from './actor-keys';
import { excludedActors, exclusionCtes } from './exclusions';
import { chainSingle, grouped, unordered, us } from './modes';
import { overTimeQuery } from './over-time';
import { FUNNEL_SOURCES, type FunnelParams, FunnelParamsSchema, parseDuration } from './params';
import { type CompiledSteps, compileSteps, countIf, hasBits, int, maskExpr } from './steps';
import { timeToConvertBins } from './time-to-convert';

/**
 * The SQL of a funnel (docs/analytics.md, "Funnel"): the rows, a mode's landings (modes.ts), the
 * exclusions (exclusions.ts), and what the report reads from them.
 */
export interface FunnelPlan {
  /**
   * The CTEs every query below reads (the rows, the mode's landings): `using(stored)` gives the
   * same queries reading them from temp tables (withStoredCtes), computed once for all.
   */
  readonly shared: readonly Cte[];
  using(stored: StoredCtes): FunnelPlan;
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
  /** How the plan keys actors (PlanOptions.actorKey, `auto` resolved). */
  readonly actorKey: 'id' | 'hash';
  /** (customer_id, level) of the actors that are known customers; with `known` only. */
  readonly customers?: SqlNode;
  /** With conversion_over_time: (period, entered, converted) by the period of the actor's step 1. */
  readonly overTime?: SqlNode;
  /** (bin, from_s, to_s, actors): the time from step 1 to the last step of the actors who got there. */
  readonly timeToConvert?: SqlNode;
  /** With correlation: (event, success_with, failure_with) and the totals (successes, failures). */
  readonly correlation?: { readonly counts: SqlNode; readonly totals: SqlNode };
}

/** The row of a path that reaches the furthest step first: the least of (-k, ts). */
const FIRST_FURTHEST = raw('(-k, ts)');

export interface PlanOptions {
  /** Adds the known-customer flag to the rows (for `customers`). */
  readonly known?: boolean;
  /**
   * How the SQL keys an actor [id]. `id`: the actor's id itself (text). `hash`: a 64-bit hash of
   * it, which the engines sort, join and group two to three times faster than text; exact only
   * when no two actor ids share a hash. `auto`: the hash when that holds (actorIds, kept
   * per data version), else the id. The per-actor outputs (`actors`, `reach`) carry the
   * key: use `id` to read actors.
   */
  readonly actorKey?: 'id' | 'hash' | 'auto';
  /** The hash of an actor id [defaultActorHash]; tests pass one that collides. */
  readonly actorHash?: (id: SqlNode) => SqlNode;
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
    params.breakdown === undefined ? undefined : sourceBreakdown(ctx, params.source, params.breakdown);
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
    await checkEventsPresent(
      ctx,
      params.source,
      src.event,
      [
        ...params.steps.map((s, i) => ({ name: s.event, where: `steps.${i}.event` })),
        ...params.exclusions.map((x, i) => ({ name: x.event, where: `exclusions.${i}.event` })),
      ],
      WEB_EVENTS,
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
  const actorId =
    params.actor === 'anonymous'
      ? d('anonymous_id')
      : bySession
        ? d('session_id')
        : params.actor === 'customer' || !src.anonymous
          ? d('customer_id')
          : sql`coalesce(${d('customer_id')}, ${d('anonymous_id')})`;
  // The rows carry the id (aid, never null in ev) and the key every CTE below joins and groups on.
  const actorHash = options.actorHash ?? defaultActorHash;
  const ids =
    options.actorKey === 'auto'
      ? await actorIds(ctx, params.source, actorId, sql`${d('customer_id')} IS NOT NULL`, actorHash)
      : undefined;
  const hashed = options.actorKey === 'hash' || ids?.hashesDistinct === true;
  // Whether an actor's step-1 rows tell if it is a known customer: a customer id or an anonymous
  // id names a customer on all its rows or on none, unless some id is both (ids.mixed); a
  // session may name its customer on a later row.
  const knownAtStep1 = !bySession && !(params.actor === 'customer_then_anonymous' && ids?.mixed !== false);
  // By hash where ids never mix, whether an actor is a known customer rides in its key's lowest
  // bit (foldNamed): every level carries it, where a join to the known actors per level cost
  // about 10% of the funnel at 50M events.
  const folded = hashed && knownAtStep1 && mixed;
  const named = sql`${d('customer_id')} IS NOT NULL`;
  const key: ActorKey = {
    of: (row) =>
      !hashed
        ? raw(`${row}.aid`)
        : folded
          ? foldNamed(actorHash(raw(`${row}.aid`)), raw(`${row}.named`))
          : actorHash(raw(`${row}.aid`)),
    columns: folded ? [{ expr: named, alias: 'named' }] : [],
  };
  const eventDim = dim(src.event);
  const onlyEvents: LogicalFilter = {
    kind: 'condition',
    member: eventDim,
    operator: 'equals',
    values: steps.events,
  };
  // The columns ev carries besides the key: whether the row names a customer (what `known`
  // reads), and which (for `customers`).
  const carried: SelectColumn[] = [
    { expr: d(src.ts), alias: 'ts' },
    { expr: maskExpr(steps, members.dimension(eventDim)), alias: 'mask' },
    ...(bdDim ? [{ expr: members.dimension(bdDim), alias: 'bd' }] : []),
    // (A folded key tells it itself.)
    ...(mixed && !folded ? [{ expr: named, alias: 'has_cust' }] : []),
    ...(mixed && options.known ? [{ expr: d('customer_id'), alias: 'cust' }] : []),
  ];
  const rows = populationRows(
    ctx,
    { ...p, where: p.where ? { kind: 'and', children: [p.where, onlyEvents] } : onlyEvents },
    [{ expr: actorId, alias: 'aid' }, ...key.columns, ...carried],
  );
  // The id itself stays behind (by hash, carrying text through the steps is what costs).
  const ev = sql`SELECT ${key.of('r')} AS actor, ${raw(carried.map((c) => `r.${c.alias} AS ${c.alias}`).join(', '))}
                 FROM (${rows}) r WHERE r.mask <> 0 AND r.aid IS NOT NULL AND r.ts < ${cut}`;

  const excluded = exclusionCtes(ctx, params, p, eventDim, actorId, key, d(src.ts), cut);

  const windowUs = param(windowSeconds * 1_000_000, 'BIGINT');
  const bd = bdDim !== undefined;
  const built =
    params.mode === 'unordered'
      ? unordered(steps, windowUs)
      : params.mode === 'ordered' && steps.singleStep
        ? chainSingle(steps, windowSeconds, bd, false)
        : params.mode === 'strict' && steps.singleStep
          ? chainSingle(steps, windowSeconds, bd, true)
          : grouped(steps, windowSeconds, bd, params.mode === 'strict');

  // By hash, one pass over the rows per actor gives what two did: who has a step-1 row (level 1
  // of every mode) and who is a known customer; over the step-1 rows alone where they tell
  // (knownAtStep1: 1.1 to 1.6 s less at 50M events, interleaved), where the key tells who is
  // known (folded). By id, grouping text costs more than it saves.
  const act: Cte[] = hashed
    ? [
        [
          'act',
          knownAtStep1
            ? // GROUP BY, not DISTINCT: ClickHouse took 2.1 s for the DISTINCT, 0.7 s grouped (50M events).
              sql`SELECT actor, 1 AS s1 FROM ev WHERE ${hasBits(raw('mask'), 1)} GROUP BY actor`
            : sql`SELECT actor, max(CASE WHEN ${hasBits(raw('mask'), 1)} THEN 1 ELSE 0 END) AS s1,
                         ${mixed ? sql`max(CASE WHEN has_cust THEN 1 ELSE 0 END)` : sql`0`} AS known
                  FROM ev GROUP BY actor`,
          true,
        ],
      ]
    : [];
  const base: Cte[] = [['ev', ev, true], ...built.ctes, ...act];
  const byLevel = (f: (level: SqlNode, k: number) => SqlNode) =>
    list(
      built.levels.map((l, i) => f(l, i + 1)),
      '\nUNION ALL\n',
    );
  const land: Cte = [
    'land',
    // Where the levels carry no breakdown (none asked, or unordered, which reads it from the
    // rows), bd is a typed NULL: ClickHouse stores no column of NULL's own type.
    byLevel(
      (l, k) =>
        sql`SELECT ${int(k)} AS k, actor, ts, d, s, ${bd && params.mode !== 'unordered' ? raw('bd') : cast(raw('NULL'), 'text')} AS bd FROM (${l})`,
    ),
    excluded.length > 0,
  ];
  // The path counted for an actor: the one reaching their furthest step first; its start and the
  // time it reached that step (µs). Exclusions are read against it.
  const path: Cte = [
    'path',
    sql`SELECT actor, max(k) AS level, ${fn.argMin(raw('s'), FIRST_FURTHEST)} AS start_us,
               ${fn.argMin(raw('s + d'), FIRST_FURTHEST)} AS end_us FROM land GROUP BY actor`,
  ];
  // The excluded actors (none without exclusions), and what reading them needs before them.
  const exclusion: Cte[] =
    excluded.length > 0 ? [...excluded, ...excludedActors(params.exclusions, steps.steps.length)] : [];
  const withPath: Cte[] = [land, path, ...exclusion];
  const outCtes: Cte[] = exclusion.length > 0 ? withPath : [];
  const kept = excluded.length > 0 ? sql` WHERE actor NOT IN (SELECT actor FROM out)` : sql``;
  const reach: Cte = [
    'reach',
    sql`SELECT * FROM (${byLevel((l, k) =>
      hashed && k === 1
        ? sql`SELECT ${int(1)} AS k, actor, ${cast(int(0), 'bigint')} AS d FROM act WHERE s1 = 1`
        : sql`SELECT ${int(k)} AS k, z.actor AS actor, min(z.d) AS d FROM (${l}) z GROUP BY z.actor`,
    )}) r${kept}`,
  ];
  // The counted chain: the one reaching the actor's level first, latest-starting among those
  // (ordered, strict); unordered: the earliest anchor reaching the level, and its first step-1 row.
  const perActorRest: Cte[] =
    params.mode === 'unordered' && bd
      ? [
          [
            'pick',
            sql`SELECT actor, max(k) AS level, ${fn.argMin(raw('ts'), FIRST_FURTHEST)} AS anchor FROM land GROUP BY actor`,
          ],
          [
            's1',
            sql`SELECT e.actor AS actor, e.ts AS ts, min(e.bd) AS bd FROM ev e WHERE ${hasBits(raw('e.mask'), 1)} GROUP BY e.actor, e.ts`,
          ],
        ]
      : [];
  const perActorQuery =
    params.mode === 'unordered' && bd
      ? sql`SELECT k.actor AS actor, k.level AS level, s.bd AS bd FROM pick k ASOF LEFT JOIN s1 s ON s.actor = k.actor AND s.ts >= k.anchor`
      : sql`SELECT l.actor AS actor, max(l.k) AS level, ${bd ? fn.argMin(raw('l.bd'), raw('(-l.k, l.ts)'), true) : sql`NULL`} AS bd FROM land l GROUP BY l.actor`;
  // per_actor, less the excluded actors when there are exclusions.
  const actorCtes: Cte[] = [
    ...(exclusion.length > 0 ? withPath : [land]),
    ...perActorRest,
    ['per_actor', exclusion.length > 0 ? sql`SELECT * FROM (${perActorQuery})${kept}` : perActorQuery],
  ];

  const seconds = sql`r.d / 1e6`;
  const q = sql`${fn.array([fn.quantile(0.5, seconds), fn.quantile(0.9, seconds)])} AS q`;
  // A target group holds customers: the report counts, per step, the actors a save would keep.
  const knownCte: Cte[] =
    mixed && !folded
      ? [
          [
            'known',
            // The actors with a row naming a customer: a session whose customer is known in it, or
            // (customer_then_anonymous) a customer id, since a row naming a customer has it as its
            // actor; so these are the customer ids present, as when they were read from the rows.
            hashed
              ? sql`SELECT actor FROM act WHERE known = 1`
              : sql`SELECT DISTINCT actor FROM ev WHERE has_cust`,
            true,
          ],
        ]
      : [];
  const isKnown = folded
    ? keyNamesCustomer(raw('r.actor'))
    : mixed
      ? sql`r.actor IN (SELECT actor FROM known)`
      : params.actor === 'anonymous' && src.anonymous
        ? sql`false`
        : sql`true`;
  const customers = sql`${countIf(isKnown)} AS customers`;
  const reachCtes: Cte[] = [...outCtes, reach];
  // What the queries share and read several times: worth computing once (withStoredCtes). With
  // exclusions, the path and the excluded actors too (each query reads them two or three times).
  const shared: Cte[] = [...base, ...(exclusion.length > 0 ? withPath : [land])];
  /** The queries, with `st` rewriting each list of CTEs (the stored ones read their temp table). */
  const assemble = (st: StoredCtes): FunnelPlan => {
    const W = (ctes: readonly Cte[], body: SqlNode) => withCtes(st(ctes), body);
    // The all-actors rows and the rows per breakdown value as a UNION ALL: the grouping sets would
    // need ClickHouse's group_by_use_nulls, which this text cannot set.
    const summary = bd
      ? W(
          [...base, ...knownCte, ...actorCtes, reach],
          sql`SELECT * FROM (
                SELECT true AS total, NULL AS breakdown, r.k AS k, count(*) AS actors, ${customers}, ${q}
                FROM reach r JOIN per_actor a ON a.actor = r.actor GROUP BY r.k
                UNION ALL
                SELECT false AS total, a.bd AS breakdown, r.k AS k, count(*) AS actors, ${customers}, ${q}
                FROM reach r JOIN per_actor a ON a.actor = r.actor GROUP BY a.bd, r.k
              ) t ORDER BY t.total DESC, t.breakdown NULLS LAST, t.k`,
        )
      : W(
          [...base, ...knownCte, ...reachCtes],
          sql`SELECT true AS total, NULL AS breakdown, r.k AS k, count(*) AS actors, ${customers}, ${q} FROM reach r GROUP BY r.k ORDER BY r.k`,
        );
    const n = steps.steps.length;
    const overTime =
      params.conversion_over_time === undefined
        ? undefined
        : W(
            [...base, ...withPath],
            overTimeQuery({
              period: params.conversion_over_time,
              steps: n,
              kept,
              from: splitTimeRange(p.where, `${params.source}.${src.ts}`).from,
              asOf: asOf ?? '1970-01-01',
              cut,
              windowSeconds,
              timezone: p.timezone,
            }),
          );
    const timeToConvert = (bins: number) => {
      const histogram = timeToConvertBins(bins, n);
      return W([...base, ...reachCtes, ...histogram.ctes], histogram.body);
    };
    const correlation = params.correlation
      ? (() => {
          const all = populationRows(ctx, p, [
            { expr: actorId, alias: 'aid' },
            ...key.columns,
            { expr: d(src.ts), alias: 'ts' },
            { expr: members.dimension(eventDim), alias: 'event' },
          ]);
          const paths: Cte[] = [...base, ...withPath, ['kept_path', sql`SELECT * FROM path${kept}`, true]];
          // After step 1 and before completing (or, for those who did not, the window's end).
          const counts = W(
            [
              ...paths,
              [
                'allev',
                sql`SELECT ${key.of('a')} AS actor, ${us('a.ts')} AS us, a.event AS event FROM (${all}) a WHERE a.aid IS NOT NULL AND a.ts < ${cut} AND a.event NOT IN (${list(steps.events.map((e) => param(e)))})`,
              ],
            ],
            sql`SELECT e.event AS event, count(DISTINCT CASE WHEN p.level = ${int(n)} THEN e.actor END) AS success_with,
                       count(DISTINCT CASE WHEN p.level < ${int(n)} THEN e.actor END) AS failure_with
                FROM kept_path p JOIN allev e ON e.actor = p.actor
                WHERE e.us > p.start_us
                  AND e.us < CASE WHEN p.level = ${int(n)} THEN p.end_us ELSE p.start_us + ${windowUs} END
                GROUP BY e.event ORDER BY e.event`,
          );
          const totals = W(
            paths,
            sql`SELECT ${countIf(sql`level = ${int(n)}`)} AS successes, ${countIf(sql`level < ${int(n)}`)} AS failures FROM kept_path`,
          );
          return { counts, totals };
        })()
      : undefined;
    const known = mixed ? sql`actor IN (SELECT cust FROM ev WHERE has_cust)` : sql`true`;
    return {
      shared,
      using: assemble,
      params,
      asOf,
      windowSeconds,
      steps,
      ...(bdDim ? { breakdown: bdDim.fullName } : {}),
      actors: W([...base, ...actorCtes], sql`SELECT actor, level, bd AS breakdown FROM per_actor`),
      reach: W([...base, ...reachCtes], sql`SELECT k, actor, d AS d_us FROM reach`),
      summary,
      actorKey: hashed ? 'hash' : 'id',
      ...(overTime ? { overTime } : {}),
      ...(correlation ? { correlation } : {}),
      ...(params.time_to_convert_bins === undefined
        ? {}
        : { timeToConvert: timeToConvert(params.time_to_convert_bins) }),
      ...(options.known
        ? {
            customers: W(
              [...base, ...actorCtes],
              bySession || hashed
                ? // A customer's furthest session (by hash: the customer's key, whose one id it is).
                  sql`SELECT s.cust AS customer_id, max(a.level) AS level FROM per_actor a
                      JOIN (SELECT DISTINCT actor, cust FROM ev WHERE ${folded ? keyNamesCustomer(raw('actor')) : raw('has_cust')}) s USING (actor) GROUP BY s.cust`
                : sql`SELECT actor AS customer_id, level FROM per_actor WHERE ${known}`,
            ),
          }
        : {}),
    };
  };
  return assemble(noStoredCtes);
}
