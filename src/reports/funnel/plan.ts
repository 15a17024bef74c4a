import { AppError } from '../../errors';
import { joinPath } from '../../model/join-graph';
import type { LogicalFilter } from '../../model/logical-query';
import { findMember } from '../../model/lookup';
import type { Dimension } from '../../model/types';
import { cubeNames, cubesOf } from '../../query/planner';
import { ident, list, param, raw, type SqlNode, sql, timeBucket } from '../../sql';
import { MemberCompiler } from '../../sql/compile/members';
import { WEB_EVENTS } from '../../util/vocabulary';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { type Cte, withCtes } from '../common/ctes';
import { checkEventNames, eventsPresent } from '../common/event-names';
import { parseParams } from '../common/params';
import { localTime, population, populationRows } from '../common/population';
import { FUNNEL_SOURCES, type FunnelParams, FunnelParamsSchema, parseDuration } from './params';
import { bit, type CompiledSteps, compileSteps, countUpTo, int, maskExpr } from './steps';

/**
 * The SQL of a funnel (docs/analytics.md, "Funnel"). Every algorithm below computes, per actor and
 * level k, the latest start of a valid chain whose k-th event lies in each timestamp group
 * ("landing at k"); see README.md in this folder for the semantics and the proofs they rest on.
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

/** A mode's SQL: CTEs, and per level k the valid landings at k (actor, ts, d in µs, bd). */
interface Built {
  readonly ctes: Cte[];
  readonly levels: SqlNode[];
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

/**
 * The exclusion events' rows (xev: actor, us) as CTEs, none without exclusions. They are read
 * with the population's rules and filters, like the steps' rows.
 */
function exclusionCtes(
  ctx: ReportContext,
  params: FunnelParams,
  p: ReturnType<typeof population>,
  eventDim: Dimension,
  actor: SqlNode,
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
      { expr: actor, alias: 'actor' },
      { expr: ts, alias: 'ts' },
      { expr: maskExpr(excl, members.dimension(eventDim)), alias: 'xm' },
    ],
  );
  return [
    [
      'xev',
      sql`SELECT actor, ${us('ts')} AS us, xm FROM (${rows}) WHERE xm <> 0 AND actor IS NOT NULL AND ts < ${cut}`,
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
function excludedActors(exclusions: FunnelParams['exclusions'], n: number): Cte[] {
  const ranges = exclusions.map((x, i) => ({ b: bit(i + 1), from: x.from_step ?? 1, to: x.to_step ?? n }));
  if (ranges.every((r) => r.from === 1 && r.to === n)) {
    return [
      [
        'out',
        sql`SELECT DISTINCT p.actor FROM path p JOIN xev x ON x.actor = p.actor AND x.us > p.start_us AND x.us < p.end_us`,
        true,
      ],
    ];
  }
  const ks = [...new Set(ranges.flatMap((r) => [r.from, r.to]).filter((k) => k > 1 && k < n))];
  const pt: Cte = [
    'pt',
    sql`SELECT l.actor, l.k, min(${us('l.ts')}) AS t FROM land l
        JOIN path p ON p.actor = l.actor AND l.s = p.start_us AND ${us('l.ts')} <= p.end_us
        WHERE l.k IN (${list(ks.map(int))}) GROUP BY l.actor, l.k`,
    true,
  ];
  const each = ranges.map(({ b, from, to }) => {
    const lo = from === 1 ? sql`p.start_us` : sql`f.t`;
    const hi = to === n ? sql`p.end_us` : sql`CASE WHEN p.level > ${int(to)} THEN t.t ELSE p.end_us END`;
    return sql`SELECT p.actor FROM path p JOIN xev x ON x.actor = p.actor AND x.xm & ${int(b)} <> 0${
      from === 1 ? sql`` : sql` JOIN pt f ON f.actor = p.actor AND f.k = ${int(from)}`
    }${to === n ? sql`` : sql` LEFT JOIN pt t ON t.actor = p.actor AND t.k = ${int(to)}`}
      WHERE x.us > ${lo} AND x.us < ${hi}`;
  });
  return [
    ...(ks.length > 0 ? [pt] : []),
    ['out', sql`SELECT DISTINCT actor FROM (${list(each, '\nUNION ALL\n')})`, true],
  ];
}

const W = (windowSeconds: number): SqlNode => param(`${windowSeconds} seconds`, 'INTERVAL');
const us = (x: string): SqlNode => raw(`epoch_us(${x})`);

/**
 * m*_k of a timestamp group: the least m such that steps m+1..k can be matched to distinct rows
 * of the group (k when the group has no row of step k). From the Hall constraints:
 * max over P of (N_P >= c_P(k) ? 0 : positions_P[c_P(k) − N_P]).
 */
function mStar(c: CompiledSteps, k: number): SqlNode {
  const parts: SqlNode[] = [];
  c.constraints.forEach((p, i) => {
    const need = countUpTo(p, k);
    if (need === 0) return;
    const n = raw(`n${i}`);
    const whens = [];
    for (let r = 1; r <= need; r++)
      whens.push(sql`WHEN ${n} = ${int(need - r)} THEN ${int(p.positions[r - 1]!)}`);
    parts.push(sql`CASE ${list(whens, ' ')} ELSE 0 END`);
  });
  return parts.length === 1 ? parts[0]! : sql`greatest(${list(parts)})`;
}

/** Timestamp groups of an actor: the step bits present, Hall counts, purity and step-1 breakdown. */
function groupsCte(c: CompiledSteps, breakdown: boolean, strict: boolean): SqlNode {
  const counts = c.constraints.map(
    (p, i) => sql`count(*) FILTER (WHERE mask & ${int(p.mask)} <> 0) AS ${raw(`n${i}`)}`,
  );
  return sql`SELECT actor, ts, bit_or(mask) AS gm${strict ? sql`, bit_and(mask) AS pm` : sql``}, ${list(counts)}${
    breakdown ? sql`, min(bd) FILTER (WHERE mask & 1 <> 0) AS bd1` : sql``
  } FROM ev GROUP BY actor, ts`;
}

/** Rows of the same actor strictly before the current row's timestamp (timestamps are in µs). */
const BEFORE = raw(
  'PARTITION BY actor ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING',
);
/** Rows of the same actor at or after the current row's timestamp. */
const FROM_HERE = raw('PARTITION BY actor ORDER BY ts RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING');

/**
 * ordered and strict, every row matching at most one step: l_k holds each step-k row e with the
 * latest start of a valid chain ending at e, from an ASOF join to the latest l_{k−1} row at or
 * before e (a tied row is another row, so `<=` is exact; landings never start earlier later on,
 * so the latest is the best). strict also needs no row of another step strictly between the two:
 * lb_k(e), the latest such row before e, must not be after the l_{k−1} row. Rows whose chain is
 * longer than W are dropped: an earlier l_{k−1} row never has a later start.
 */
function chainSingle(c: CompiledSteps, w: SqlNode, bd: boolean, strict: boolean): Built {
  const n = c.steps.length;
  const ctes: Cte[] = [];
  if (strict) {
    const lbs = [];
    for (let k = 2; k <= n; k++) {
      lbs.push(sql`max(ts) FILTER (WHERE mask & ${int(bit(k))} = 0) OVER (${BEFORE}) AS ${raw(`lb${k}`)}`);
    }
    // The window sees every row (step-1 rows interrupt too); only later steps' rows are kept.
    ctes.push([
      'evs',
      sql`SELECT * FROM (SELECT actor, ts, mask, ${list(lbs)} FROM ev) WHERE mask & 1 = 0`,
      true,
    ]);
  }
  ctes.push([
    'l1',
    bd
      ? sql`SELECT actor, ts, ts AS a, min(bd) AS bd FROM ev WHERE mask & 1 <> 0 GROUP BY actor, ts`
      : sql`SELECT actor, ts, ts AS a FROM ev WHERE mask & 1 <> 0`,
  ]);
  for (let k = 2; k <= n; k++) {
    const lb = raw(`lb${k}`);
    ctes.push([
      `l${k}`,
      sql`SELECT e.actor, e.ts, p.a${bd ? sql`, p.bd` : sql``}
          FROM (SELECT actor, ts${strict ? sql`, ${lb}` : sql``} FROM ${raw(strict ? 'evs' : 'ev')} WHERE mask & ${int(bit(k))} <> 0) e
          ASOF JOIN ${ident(`l${k - 1}`)} p ON p.actor = e.actor AND p.ts <= e.ts
          WHERE e.ts <= p.a + ${w}${strict ? sql` AND (e.${lb} IS NULL OR e.${lb} <= p.ts)` : sql``}`,
    ]);
  }
  return { ctes, levels: chainLevels(n, bd) };
}

function chainLevels(n: number, bd: boolean): SqlNode[] {
  return Array.from(
    { length: n },
    (_, i) =>
      sql`SELECT actor, ts, ${us('ts')} - ${us('a')} AS d, ${us('a')} AS s, ${raw(bd ? 'bd' : 'NULL')} AS bd FROM ${ident(`l${i + 1}`)}`,
  );
}

/**
 * ordered and strict over timestamp groups (any steps): l_k holds the groups where a chain can
 * land at k, with the latest start of such a chain. A chain lands at k in group G from progress
 * p (its last earlier event in a group before G, or p = 0: it starts in G) when steps p+1..k can
 * be matched to distinct rows of G, i.e. m*_k(G) <= p < k. The latest landing at p before G is
 * the best (starts of landings never decrease over time); ordered takes p = m* (lower levels
 * have later starts); strict takes every p and keeps the chain only if no group strictly between
 * its landing and G has a row not matching step p+1 (lb_{p+1}(G): the latest such group).
 */
function grouped(c: CompiledSteps, w: SqlNode, bd: boolean, strict: boolean): Built {
  const n = c.steps.length;
  const ctes: Cte[] = [['g', groupsCte(c, bd, strict), true]];
  const bdCol = (x: string) => (bd ? sql`, ${raw(x)} AS bd` : sql``);
  const pbd = bd ? sql`, p.bd` : sql``;
  if (strict) {
    const lbs = [];
    for (let k = 2; k <= n; k++) {
      lbs.push(sql`max(ts) FILTER (WHERE pm & ${int(bit(k))} = 0) OVER (${BEFORE}) AS ${raw(`lb${k}`)}`);
    }
    ctes.push(['gs', sql`SELECT *, ${list(lbs)} FROM g`, true]);
  }
  ctes.push(['l1', sql`SELECT actor, ts, ts AS a${bdCol('bd1')} FROM g WHERE gm & 1 <> 0`, true]);
  for (let k = 2; k <= n; k++) {
    // The groups with a row of step k, and m*_k of each.
    ctes.push([
      `x${k}`,
      sql`SELECT *, ${mStar(c, k)} AS m FROM ${raw(strict ? 'gs' : 'g')} WHERE gm & ${int(bit(k))} <> 0`,
      true,
    ]);
    const x = ident(`x${k}`);
    const parts: SqlNode[] = [
      // Starts in this group.
      sql`SELECT actor, ts, ts AS a${bdCol('bd1')} FROM ${x} WHERE m = 0`,
      // From the latest landing at k−1 before this group (ASOF: the common case, many rows).
      sql`SELECT x.actor, x.ts, p.a${pbd}
          FROM (SELECT * FROM ${x}${strict ? sql`` : sql` WHERE m = ${int(k - 1)}`}) x
          ASOF JOIN ${ident(`l${k - 1}`)} p ON p.actor = x.actor AND p.ts < x.ts${
            strict ? sql` WHERE x.${raw(`lb${k}`)} IS NULL OR x.${raw(`lb${k}`)} <= p.ts` : sql``
          }`,
    ];
    if (k > 2) {
      // From a landing at p < k−1 (several steps in this group: rare rows). Landings never
      // start earlier later on, so the latest one is the max start; strict keeps the landings
      // after the last group impure for step p+1.
      const lower = list(
        Array.from(
          { length: k - 2 },
          (_, i) =>
            sql`SELECT ${int(i + 1)} AS lvl, actor, ts, a${bd ? sql`, bd` : sql``} FROM ${ident(`l${i + 1}`)}`,
        ),
        ' UNION ALL ',
      );
      const lbOf = sql`CASE pp ${list(
        Array.from({ length: k - 2 }, (_, i) => sql`WHEN ${int(i + 1)} THEN ${raw(`lb${i + 2}`)}`),
        ' ',
      )} END`;
      const rare = strict
        ? sql`SELECT *, ${lbOf} AS lbp FROM (SELECT *, unnest(range(greatest(m, 1), ${int(k - 1)})) AS pp FROM ${x} WHERE m < ${int(k - 1)})`
        : sql`SELECT *, m AS pp FROM ${x} WHERE m BETWEEN 1 AND ${int(k - 2)}`;
      parts.push(sql`SELECT x.actor, x.ts, max(p.a) AS a${bd ? sql`, arg_max_null(p.bd, p.a) AS bd` : sql``}
          FROM (${rare}) x JOIN (${lower}) p ON p.actor = x.actor AND p.lvl = x.pp AND p.ts < x.ts${
            strict ? sql` AND (x.lbp IS NULL OR p.ts >= x.lbp)` : sql``
          }
          GROUP BY x.actor, x.ts, x.pp`);
    }
    ctes.push([
      `l${k}`,
      sql`SELECT actor, ts, max(a) AS a${bd ? sql`, arg_max_null(bd, a) AS bd` : sql``}
          FROM (${list(parts, '\nUNION ALL\n')}) WHERE ts <= a + ${w} GROUP BY actor, ts`,
      true,
    ]);
  }
  return { ctes, levels: chainLevels(n, bd) };
}

/**
 * unordered: from every anchor (each row's time), the c-th row at or after it of each Hall
 * constraint P: a window min for c = 1, else an ASOF join to the first such row, whose lead()
 * is the c-th. Steps 1..i fit in [anchor, anchor + W] iff for every P the c_P(i)-th such row
 * does. The span to step i is the latest of those rows minus the anchor; the actor's time to
 * step i is its shortest span.
 */
function unordered(c: CompiledSteps, windowUs: SqlNode): Built {
  const n = c.steps.length;
  const ctes: Cte[] = [];
  const used = c.constraints
    .map((p, i) => ({
      p,
      i,
      counts: [...new Set(c.steps.map((s) => countUpTo(p, s.index)).filter((x) => x > 0))],
    }))
    .filter((x) => x.counts.length > 0);
  const firsts = used
    .filter((u) => u.counts.includes(1))
    .map(
      ({ p, i }) =>
        sql`min(ts) FILTER (WHERE mask & ${int(p.mask)} <> 0) OVER (${FROM_HERE}) AS ${raw(`b${i}_1`)}`,
    );
  const more = used.filter((u) => u.counts.some((x) => x > 1));
  const cols: SqlNode[] = [];
  const joins: SqlNode[] = [];
  for (const { p, i, counts } of more) {
    const leads = counts
      .filter((x) => x > 1)
      .map((x) => sql`lead(ts, ${int(x - 1)}) OVER (PARTITION BY actor ORDER BY ts) AS ${raw(`t${x}`)}`);
    ctes.push([`e${i}`, sql`SELECT actor, ts, ${list(leads)} FROM ev WHERE mask & ${int(p.mask)} <> 0`]);
    for (const x of counts.filter((x) => x > 1))
      cols.push(sql`${raw(`e${i}.t${x}`)} AS ${raw(`b${i}_${x}`)}`);
    joins.push(
      sql`ASOF LEFT JOIN ${ident(`e${i}`)} ON ${raw(`e${i}.actor`)} = a.actor AND ${raw(`e${i}.ts`)} >= a.ts`,
    );
  }
  const anchors = sql`SELECT actor, ts${firsts.length > 0 ? sql`, ${list(firsts)}` : sql``} FROM ev`;
  ctes.push([
    'x',
    more.length === 0 ? anchors : sql`SELECT a.*, ${list(cols)} FROM (${anchors}) a ${list(joins, ' ')}`,
    true,
  ]);
  const levels: SqlNode[] = [];
  for (let k = 1; k <= n; k++) {
    const bs = used.flatMap(({ p, i }) => {
      const x = countUpTo(p, k);
      return x > 0 ? [raw(`b${i}_${x}`)] : [];
    });
    const span = sql`epoch_us(${bs.length === 1 ? bs[0]! : sql`greatest(${list(bs)})`}) - epoch_us(ts)`;
    const complete = list(
      bs.map((b) => sql`${b} IS NOT NULL`),
      ' AND ',
    );
    levels.push(
      sql`SELECT actor, ts, d, ${us('ts')} AS s, NULL AS bd FROM (SELECT actor, ts, ${span} AS d FROM x WHERE ${complete}) WHERE d <= ${windowUs}`,
    );
  }
  return { ctes, levels };
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
