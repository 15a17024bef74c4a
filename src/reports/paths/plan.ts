import { cast, countDistinct, func, list, param, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { checkEvents, insightEvents } from '../insights/common/source';
import { type Cte, date, int, withCtes } from '../insights/common/sql';
import { type PathsParams, parsePaths } from './params';

/** The columns of a path's steps: s1 … s{steps}. */
export function stepColumns(steps: number): string[] {
  return Array.from({ length: steps }, (_, i) => `s${i + 1}`);
}

/** A path from a row's step columns (the steps up to the first NULL). */
export function pathOf(row: Readonly<Record<string, unknown>>, steps: number): string[] {
  const path: string[] = [];
  for (const c of stepColumns(steps)) {
    const v = row[c];
    if (v === null || v === undefined) break;
    path.push(String(v));
  }
  return path;
}

export interface PathsPlan {
  readonly params: PathsParams;
  readonly asOf: string | null;
  /** The first day of the range (the later of `from` and a date range filter's start), if any. */
  readonly from: string | undefined;
  readonly breakdown?: string;
  /**
   * One row per counted session (its anchor on or after `from`, with an actor): actor, bd (the
   * anchor's breakdown value), cust (the anchor row's customer id), s1 … s{steps}: the path's
   * steps (NULL past its end; see pathOf).
   */
  readonly sessions?: SqlNode;
  /** The top paths per breakdown value: breakdown, rank, s1 … s{steps}, sessions, actors. */
  readonly top?: SqlNode;
}

/**
 * Paths within sessions (PostHog's paths). A session's events (any event, less the excluded
 * ones, before as_of) are ordered by time, ties by event name then event id, and consecutive
 * repeats collapse to one step. The anchor is the session's first start_event (the path is it
 * and the steps − 1 after it), or its first end_event (the steps − 1 before it and it), or
 * without either the session's first event. The anchor must be on or after `from` and have an
 * actor; it gives the path's actor and breakdown value. Paths are counted in sessions and in
 * distinct actors; the top `limit` by sessions (then actors, then the path) are returned.
 */
export async function planPaths(ctx: ReportContext, input: unknown): Promise<PathsPlan> {
  const params = parsePaths(input);
  const anchorEvent = params.start_event ?? params.end_event;
  await checkEvents(ctx, [
    ...(params.start_event === undefined ? [] : [{ name: params.start_event, where: 'start_event' }]),
    ...(params.end_event === undefined ? [] : [{ name: params.end_event, where: 'end_event' }]),
    ...params.exclude_events.map((name, i) => ({ name, where: `exclude_events.${i}` })),
  ]);
  const src = await insightEvents(ctx, params, undefined, { anyActor: true });
  const base = {
    params,
    asOf: src.asOf,
    from: src.from,
    ...(src.breakdown ? { breakdown: src.breakdown } : {}),
  };
  if (src.asOf === null) return base;
  const excluded =
    params.exclude_events.length === 0
      ? sql``
      : sql` AND event NOT IN (${list(params.exclude_events.map((e) => param(e)))})`;
  const k = params.steps;
  const fromTs = src.from === undefined ? undefined : cast(date(src.from), 'timestamp');
  const backwards = params.end_event !== undefined;
  const steps = stepColumns(k);
  // Windows partitioned by session and a pivot of the k steps nearest the anchor, not one sorted
  // list per session: the sorted list aggregate over every session of a year (50M events) did
  // not finish in minutes, and with an anchor only the events on its side of it are sorted.
  // Without an anchor event the anchor is the session's first event: the window that collapses
  // the repeats (ordered by id too) finds it, and its actor, breakdown value, customer and time
  // ride along to step 1, so no anchors CTE (a second sort of every event) is needed.
  const anchored = anchorEvent !== undefined;
  const carried = ['actor', 'bd', 'cust', 'ts'];
  const carry = (prefix: string) =>
    anchored ? sql`` : raw(carried.map((c) => `, ${prefix}${c} AS ${c}`).join(''));
  const ctes: Cte[] = [['ev', sql`SELECT * FROM (${src.rows}) e WHERE session IS NOT NULL${excluded}`]];
  if (anchored) {
    ctes.push(
      // The anchor: the session's first anchor event, the least (time, event id) among them (one
      // name, so the name does not order them). Its actor, breakdown value and customer id are
      // the path's; it must have an actor and be on or after `from`.
      [
        'anchors',
        sql`SELECT x.session AS session, x.ts AS kt, x.eid AS ki, x.actor AS actor, x.bd AS bd, x.cust AS cust FROM (
              SELECT session, ts, eid, actor, bd, cust, row_number() OVER (PARTITION BY session ORDER BY ts, eid) AS rn
              FROM ev WHERE event = ${anchorEvent}) x
            WHERE x.rn = 1 AND x.actor IS NOT NULL${fromTs === undefined ? sql`` : sql` AND x.ts >= ${fromTs}`}`,
      ],
      // The anchor and the events after it (before it, to an end event) in (time, name, id) order.
      [
        'side',
        sql`SELECT ev.session AS session, ev.ts AS ts, ev.event AS event FROM ev JOIN anchors a ON a.session = ev.session${
          backwards
            ? sql` WHERE ev.ts < a.kt OR (ev.ts = a.kt AND (ev.event < ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid <= a.ki)))`
            : sql` WHERE ev.ts > a.kt OR (ev.ts = a.kt AND (ev.event > ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid >= a.ki)))`
        }`,
      ],
    );
  }
  ctes.push(
    // Consecutive repeats collapse into one step. Events tied on (time, name) are adjacent and
    // collapse whatever their order, so with an anchor the event id need not order the window (a
    // cheaper sort); the first anchor is never a repeat (the event before it is another one).
    // The first row is kept by its number (ClickHouse's lag gives '' there, not NULL).
    [
      'collapsed',
      sql`SELECT c.session AS session, c.event AS event, c.r AS r${carry('c.')} FROM (
            SELECT session, event${carry('')}, lag(event) OVER w AS prev, row_number() OVER w AS r FROM ${raw(anchored ? 'side' : 'ev')}
            WINDOW w AS (PARTITION BY session ORDER BY ts, event${raw(anchored ? '' : ', eid')})) c
          WHERE c.r = 1 OR c.prev <> c.event`,
    ],
    // The k steps nearest the anchor, numbered 1 … n in path order.
    [
      'numbered',
      backwards
        ? sql`SELECT n.session AS session, n.event AS event, ${cast(sql`n.f - greatest(n.total - ${int(k)}, 0)`, 'bigint')} AS step FROM (
                SELECT session, event, row_number() OVER (PARTITION BY session ORDER BY r) AS f,
                       count(*) OVER (PARTITION BY session) AS total FROM collapsed) n
              WHERE n.f > n.total - ${int(k)}`
        : sql`SELECT n.session AS session, n.event AS event, ${cast(raw('n.f'), 'bigint')} AS step${carry('n.')} FROM (
                SELECT session, event${carry('')}, row_number() OVER (PARTITION BY session ORDER BY r) AS f FROM collapsed) n
              WHERE n.f <= ${int(k)}`,
    ],
    // One column per step (NULL past the path's end); without an anchor event, step 1's actor,
    // breakdown value, customer and time.
    [
      'walked',
      // Qualified: ClickHouse reads a bare name in an aggregate as the alias of the same name.
      sql`SELECT nb.session AS session, ${list([
        ...steps.map(
          (c, i) =>
            sql`${func('max', [sql`CASE WHEN nb.step = ${int(i + 1)} THEN nb.event END`])} AS ${raw(c)}`,
        ),
        ...(anchored
          ? []
          : carried.map(
              (c) =>
                sql`${func('max', [sql`CASE WHEN nb.step = 1 THEN ${raw(`nb.${c}`)} END`])} AS ${raw(c)}`,
            )),
      ])} FROM numbered nb GROUP BY nb.session`,
    ],
  );
  const stepList = list(steps.map((c) => raw(c)));
  const stepColumnsOf = (t: string) => list(steps.map((c) => raw(`${t}.${c} AS ${c}`)));
  const sessions = withCtes(
    ctes,
    anchored
      ? sql`SELECT a.actor AS actor, a.bd AS bd, a.cust AS cust, ${stepColumnsOf('w')}
            FROM walked w JOIN anchors a ON a.session = w.session`
      : sql`SELECT w.actor AS actor, w.bd AS bd, w.cust AS cust, ${stepColumnsOf('w')} FROM walked w
            WHERE w.actor IS NOT NULL${fromTs === undefined ? sql`` : sql` AND w.ts >= ${fromTs}`}`,
  );
  // Paths ordered as lists: step by step, a path before its extensions (a NULL step first).
  const pathOrder = list(steps.map((c) => raw(`${c} NULLS FIRST`)));
  const top = sql`SELECT x.bd AS breakdown, x.rnk AS rank, ${list(steps.map((c) => raw(`x.${c} AS ${c}`)))}, x.sessions AS sessions, x.actors AS actors FROM (
        SELECT t.*, row_number() OVER (PARTITION BY t.bd ORDER BY t.sessions DESC, t.actors DESC, ${pathOrder}) AS rnk FROM (
          SELECT bd, ${stepList}, count(*) AS sessions, ${countDistinct(raw('actor'))} AS actors FROM (${sessions}) s
          GROUP BY bd, ${stepList}) t) x
      WHERE x.rnk <= ${int(params.limit)} ORDER BY x.bd NULLS FIRST, x.rnk`;
  return { ...base, sessions, top };
}
