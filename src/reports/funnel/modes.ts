import { cast, fn, ident, list, param, paren, raw, type SqlNode, sql } from '../../sql';
import type { Cte } from '../common/ctes';
import { bit, type CompiledSteps, countUpTo, hasBits, int } from './steps';

/**
 * The funnel's modes as SQL (docs/analytics.md, "Funnel"). Every algorithm below computes, per
 * actor and level k, the latest start of a valid chain whose k-th event lies in each timestamp
 * group ("landing at k"); see README.md in this folder for the semantics and the proofs they rest on.
 */

/** A mode's SQL: CTEs, and per level k the valid landings at k (actor, ts, d in µs, s, bd). */
export interface Built {
  readonly ctes: Cte[];
  readonly levels: SqlNode[];
}

/** A timestamp plus the window W (ClickHouse binds no intervals: W is seconds). */
export const plusWindow = (ts: SqlNode, windowSeconds: number): SqlNode =>
  fn.dateAdd('second', param(windowSeconds, 'BIGINT'), ts);
/**
 * A timestamp in whole µs since the epoch, as a BIGINT, read directly (DuckDB `epoch_us`): at 50M
 * events the former round(epoch seconds × 10^6) cost 0.4 s of a 6.3 s funnel.
 */
export const us = (x: string | SqlNode): SqlNode => fn.epochMicros(typeof x === 'string' ? raw(x) : x);
/** A row's bits: whether `mask` (a column) has a bit of `bits`, and whether it has none. */
const has = (column: string, bits: number): SqlNode => hasBits(raw(column), bits);
const lacks = (column: string, bits: number): SqlNode => sql`NOT ${paren(has(column, bits))}`;

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
    (p, i) => sql`count(CASE WHEN ${has('e.mask', p.mask)} THEN 1 END) AS ${raw(`n${i}`)}`,
  );
  // bit_or and bit_and are aggregates on both engines (ClickHouse's aliases of groupBitOr/And).
  return sql`SELECT e.actor AS actor, e.ts AS ts, bit_or(e.mask) AS gm${strict ? sql`, bit_and(e.mask) AS pm` : sql``}, ${list(counts)}${
    breakdown ? sql`, min(CASE WHEN ${has('e.mask', 1)} THEN e.bd END) AS bd1` : sql``
  } FROM ev e GROUP BY e.actor, e.ts`;
}

/**
 * Rows of the same actor strictly before the current row's timestamp: ordered by µs (`tus`), so
 * one µs before is an integer offset both engines take.
 */
const BEFORE = raw('PARTITION BY actor ORDER BY tus RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING');
/** Rows of the same actor at or after the current row's timestamp. */
const FROM_HERE = raw('PARTITION BY actor ORDER BY tus RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING');

/**
 * ordered and strict, every row matching at most one step: l_k holds each step-k row e with the
 * latest start of a valid chain ending at e, from an ASOF join to the latest l_{k−1} row at or
 * before e (a tied row is another row, so `<=` is exact; landings never start earlier later on,
 * so the latest is the best). strict also needs no row of another step strictly between the two:
 * lb_k(e), the latest such row before e, must not be after the l_{k−1} row. Rows whose chain is
 * longer than W are dropped: an earlier l_{k−1} row never has a later start.
 */
export function chainSingle(c: CompiledSteps, windowSeconds: number, bd: boolean, strict: boolean): Built {
  const n = c.steps.length;
  const ctes: Cte[] = [];
  if (strict) {
    const lbs = [];
    for (let k = 2; k <= n; k++) {
      lbs.push(sql`max(CASE WHEN ${lacks('mask', bit(k))} THEN ts END) OVER (${BEFORE}) AS ${raw(`lb${k}`)}`);
    }
    // The window sees every row (step-1 rows interrupt too); only later steps' rows are kept.
    ctes.push([
      'evs',
      sql`SELECT * FROM (SELECT actor, ts, mask, ${list(lbs)} FROM (SELECT actor, ts, mask, ${us('ts')} AS tus FROM ev) t) w WHERE ${lacks('w.mask', 1)}`,
      true,
    ]);
  }
  ctes.push([
    'l1',
    bd
      ? sql`SELECT e.actor AS actor, e.ts AS ts, e.ts AS a, min(e.bd) AS bd FROM ev e WHERE ${has('e.mask', 1)} GROUP BY e.actor, e.ts`
      : sql`SELECT actor, ts, ts AS a FROM ev WHERE ${has('mask', 1)}`,
  ]);
  for (let k = 2; k <= n; k++) {
    const lb = raw(`lb${k}`);
    ctes.push([
      `l${k}`,
      sql`SELECT e.actor, e.ts, p.a${bd ? sql`, p.bd` : sql``}
          FROM (SELECT actor, ts${strict ? sql`, ${lb}` : sql``} FROM ${raw(strict ? 'evs' : 'ev')} WHERE ${has('mask', bit(k))}) e
          ASOF JOIN ${ident(`l${k - 1}`)} p ON p.actor = e.actor AND p.ts <= e.ts
          WHERE e.ts <= ${plusWindow(raw('p.a'), windowSeconds)}${strict ? sql` AND (e.${lb} IS NULL OR e.${lb} <= p.ts)` : sql``}`,
    ]);
  }
  return { ctes, levels: chainLevels(n, bd) };
}

function chainLevels(n: number, bd: boolean): SqlNode[] {
  return Array.from(
    { length: n },
    (_, i) =>
      sql`SELECT l.actor AS actor, l.ts AS ts, ${us('l.ts')} - ${us('l.a')} AS d, ${us('l.a')} AS s, ${raw(bd ? 'l.bd' : 'NULL')} AS bd FROM ${ident(`l${i + 1}`)} l`,
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
export function grouped(c: CompiledSteps, windowSeconds: number, bd: boolean, strict: boolean): Built {
  const n = c.steps.length;
  const ctes: Cte[] = [['g', groupsCte(c, bd, strict), true]];
  const bdCol = (x: string) => (bd ? sql`, ${raw(x)} AS bd` : sql``);
  const pbd = bd ? sql`, p.bd` : sql``;
  if (strict) {
    const lbs = [];
    for (let k = 2; k <= n; k++) {
      lbs.push(sql`max(CASE WHEN ${lacks('pm', bit(k))} THEN ts END) OVER (${BEFORE}) AS ${raw(`lb${k}`)}`);
    }
    ctes.push(['gs', sql`SELECT *, ${list(lbs)} FROM (SELECT *, ${us('ts')} AS tus FROM g) t`, true]);
  }
  ctes.push(['l1', sql`SELECT actor, ts, ts AS a${bdCol('bd1')} FROM g WHERE ${has('gm', 1)}`, true]);
  for (let k = 2; k <= n; k++) {
    // The groups with a row of step k, and m*_k of each.
    ctes.push([
      `x${k}`,
      sql`SELECT *, ${mStar(c, k)} AS m FROM ${raw(strict ? 'gs' : 'g')} WHERE ${has('gm', bit(k))}`,
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
        ? sql`SELECT *, ${lbOf} AS lbp FROM (SELECT *, ${fn.series(sql`greatest(m, 1)`, int(k - 2))} AS pp FROM ${x} WHERE m < ${int(k - 1)}) r`
        : sql`SELECT *, m AS pp FROM ${x} WHERE m BETWEEN 1 AND ${int(k - 2)}`;
      parts.push(sql`SELECT x.actor AS actor, x.ts AS ts, max(p.a) AS a${bd ? sql`, ${fn.argMax(raw('p.bd'), raw('p.a'), true)} AS bd` : sql``}
          FROM (${rare}) x JOIN (${lower}) p ON p.actor = x.actor AND p.lvl = x.pp
          WHERE p.ts < x.ts${strict ? sql` AND (x.lbp IS NULL OR p.ts >= x.lbp)` : sql``}
          GROUP BY x.actor, x.ts, x.pp`);
    }
    ctes.push([
      `l${k}`,
      sql`SELECT u.actor AS actor, u.ts AS ts, max(u.a) AS a${bd ? sql`, ${fn.argMax(raw('u.bd'), raw('u.a'), true)} AS bd` : sql``}
          FROM (${list(parts, '\nUNION ALL\n')}) u WHERE u.ts <= ${plusWindow(raw('u.a'), windowSeconds)} GROUP BY u.actor, u.ts`,
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
export function unordered(c: CompiledSteps, windowUs: SqlNode): Built {
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
        sql`min(CASE WHEN ${has('mask', p.mask)} THEN ts END) OVER (${FROM_HERE}) AS ${raw(`b${i}_1`)}`,
    );
  const more = used.filter((u) => u.counts.some((x) => x > 1));
  const cols: SqlNode[] = [];
  const joins: SqlNode[] = [];
  for (const { p, i, counts } of more) {
    const leads = counts
      .filter((x) => x > 1)
      // Nullable, so past the last row lead gives NULL on ClickHouse too (not 1970).
      .map(
        (x) =>
          sql`lead(${cast(raw('ts'), 'timestamp')}, ${raw(String(x - 1))}) OVER (PARTITION BY actor ORDER BY ts) AS ${raw(`t${x}`)}`,
      );
    ctes.push([`e${i}`, sql`SELECT actor, ts, ${list(leads)} FROM ev WHERE ${has('mask', p.mask)}`]);
    for (const x of counts.filter((x) => x > 1))
      cols.push(sql`${raw(`e${i}.t${x}`)} AS ${raw(`b${i}_${x}`)}`);
    joins.push(
      sql`ASOF LEFT JOIN ${ident(`e${i}`)} ON ${raw(`e${i}.actor`)} = a.actor AND ${raw(`e${i}.ts`)} >= a.ts`,
    );
  }
  const anchors = sql`SELECT actor, ts${firsts.length > 0 ? sql`, ${list(firsts)}` : sql``} FROM (SELECT actor, ts, mask, ${us('ts')} AS tus FROM ev) t`;
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
    const span = sql`${us(bs.length === 1 ? bs[0]! : sql`greatest(${list(bs)})`)} - ${us('ts')}`;
    const complete = list(
      bs.map((b) => sql`${b} IS NOT NULL`),
      ' AND ',
    );
    levels.push(
      sql`SELECT y.actor AS actor, y.ts AS ts, y.d AS d, ${us('y.ts')} AS s, NULL AS bd FROM (SELECT actor, ts, ${span} AS d FROM x WHERE ${complete}) y WHERE y.d <= ${windowUs}`,
    );
  }
  return { ctes, levels };
}
