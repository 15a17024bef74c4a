import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { type Cte, withCtes } from '../common/ctes';
import { checkEvents, insightEvents } from '../insights/common/source';
import { date, int } from '../insights/common/sql';
import { type PathsParams, parsePaths } from './params';

export interface PathsPlan {
  readonly params: PathsParams;
  readonly asOf: string | null;
  readonly breakdown?: string;
  /**
   * One row per counted session (its anchor on or after `from`, with an actor): actor, bd (the
   * anchor's breakdown value), cust (the anchor row's customer id), path (VARCHAR[]).
   */
  readonly sessions?: SqlNode;
  /** The top paths per breakdown value: breakdown, rank, path (VARCHAR[]), sessions, actors. */
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
  const base = { params, asOf: src.asOf, ...(src.breakdown ? { breakdown: src.breakdown } : {}) };
  if (src.asOf === null) return base;
  const excluded =
    params.exclude_events.length === 0 ? sql`` : sql` AND event <> ALL(${params.exclude_events}::VARCHAR[])`;
  const k = int(params.steps);
  const fromTs = params.from === undefined ? undefined : sql`CAST(${date(params.from)} AS TIMESTAMP)`;
  const backwards = params.end_event !== undefined;
  // Why windows and a top-k aggregate, not one sorted list per session: the sorted list
  // aggregate over every session of a year (50M events) did not finish in minutes (its per-group
  // sort dominated the profile); one window sort partitioned by session and arg_min(…, k) do,
  // and with an anchor only the events on its side of the anchor are sorted at all.
  const anchorKey =
    anchorEvent === undefined ? sql`{'t': ts, 'e': event, 'i': eid}` : sql`{'t': ts, 'i': eid}`;
  const ctes: Cte[] = [
    ['ev', sql`SELECT * FROM (${src.rows}) WHERE session IS NOT NULL${excluded}`],
    // The anchor: the session's first anchor event, the least (time, event id) among them (one
    // name, so the name does not order them), or its first event. Its actor, breakdown value and
    // customer id are the path's; it must have an actor and be on or after `from`.
    [
      'anchors',
      sql`SELECT * FROM (
            SELECT session, min(${anchorKey}) AS k, arg_min({'a': actor, 'b': bd, 'c': cust}, ${anchorKey}) AS x
            FROM ev${anchorEvent === undefined ? sql`` : sql` WHERE event = ${anchorEvent}`} GROUP BY session)
          WHERE x.a IS NOT NULL${fromTs === undefined ? sql`` : sql` AND k.t >= ${fromTs}`}`,
    ],
    // The anchor and the events after it (before it, to an end event) in (time, name, id) order.
    [
      'side',
      sql`SELECT ev.session, ev.ts, ev.event FROM ev JOIN anchors a USING (session)${
        anchorEvent === undefined
          ? sql``
          : backwards
            ? sql` WHERE ev.ts < a.k.t OR (ev.ts = a.k.t AND (ev.event < ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid <= a.k.i)))`
            : sql` WHERE ev.ts > a.k.t OR (ev.ts = a.k.t AND (ev.event > ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid >= a.k.i)))`
      }`,
    ],
    // Consecutive repeats collapse into one step. Events tied on (time, name) are adjacent and
    // collapse whatever their order, so the event id need not order the window (a cheaper sort);
    // the first anchor is never a repeat (the event before it is another one).
    [
      'collapsed',
      sql`SELECT session, event, r FROM (
            SELECT session, event, lag(event) OVER w AS prev, row_number() OVER w AS r FROM side
            WINDOW w AS (PARTITION BY session ORDER BY ts, event))
          WHERE prev IS NULL OR prev <> event`,
    ],
    // The k steps nearest the anchor, in order (a top-k per session, no sorted aggregate).
    [
      'walked',
      sql`SELECT session, ${
        backwards ? sql`list_reverse(arg_max(event, r, ${k}))` : sql`arg_min(event, r, ${k})`
      } AS path FROM collapsed GROUP BY session`,
    ],
  ];
  const sessions = withCtes(
    ctes,
    sql`SELECT a.x.a AS actor, a.x.b AS bd, a.x.c AS cust, w.path FROM walked w JOIN anchors a USING (session)`,
  );
  const top = sql`SELECT bd AS breakdown, rank, path, sessions, actors FROM (
        SELECT *, row_number() OVER (PARTITION BY bd ORDER BY sessions DESC, actors DESC, path) AS rank FROM (
          SELECT bd, path, count(*) AS sessions, count(DISTINCT actor) AS actors FROM (${sessions}) GROUP BY bd, path))
      WHERE rank <= ${int(params.limit)} ORDER BY bd NULLS FIRST, rank`;
  return { ...base, sessions, top };
}
