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
  // Why windows and not one sorted list per session: the list aggregate over every session of a
  // year (50M events) did not finish in minutes; a window sort partitioned by session does, and
  // with an anchor only the events on its side of the anchor are sorted at all.
  const ctes: Cte[] = [['ev', sql`SELECT * FROM (${src.rows}) WHERE session IS NOT NULL${excluded}`]];
  if (anchorEvent === undefined) {
    ctes.push(['side', sql`SELECT session, actor, bd, cust, ts, event, eid FROM ev`]);
  } else {
    // The session's first anchor event: the least (time, event id) among its anchor events
    // (one event name, so the name does not order them). It must be on or after `from`.
    ctes.push(
      [
        'anchors',
        sql`SELECT session, min({'t': ts, 'i': eid}) AS k FROM ev WHERE event = ${anchorEvent} GROUP BY session${
          fromTs === undefined ? sql`` : sql` HAVING min(ts) >= ${fromTs}`
        }`,
      ],
      // The anchor and the events after it (before it, to an end event) in (time, name, id) order.
      [
        'side',
        sql`SELECT ev.session, ev.actor, ev.bd, ev.cust, ev.ts, ev.event, ev.eid FROM ev JOIN anchors a USING (session)
            WHERE ${
              backwards
                ? sql`ev.ts < a.k.t OR (ev.ts = a.k.t AND (ev.event < ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid <= a.k.i)))`
                : sql`ev.ts > a.k.t OR (ev.ts = a.k.t AND (ev.event > ${anchorEvent} OR (ev.event = ${anchorEvent} AND ev.eid >= a.k.i)))`
            }`,
      ],
    );
  }
  ctes.push(
    // Consecutive repeats collapse into their first event. The session's first anchor is never
    // a repeat (the event before it is another one), so collapsing one side keeps the anchor.
    [
      'collapsed',
      sql`SELECT * FROM (
            SELECT *, lag(event) OVER (PARTITION BY session ORDER BY ts, event, eid) AS prev FROM side)
          WHERE prev IS NULL OR prev <> event`,
    ],
    // r = 1 is the anchor; the steps counted away from it.
    [
      'numbered',
      sql`SELECT * FROM (
            SELECT session, actor, bd, cust, ts, event, row_number() OVER (PARTITION BY session ORDER BY ${
              backwards ? sql`ts DESC, event DESC, eid DESC` : sql`ts, event, eid`
            }) AS r FROM collapsed)
          WHERE r <= ${k}`,
    ],
    [
      'walked',
      sql`SELECT first(actor) FILTER (WHERE r = 1) AS actor, first(bd) FILTER (WHERE r = 1) AS bd,
            first(cust) FILTER (WHERE r = 1) AS cust, first(ts) FILTER (WHERE r = 1) AS t0,
            ${backwards ? sql`list_reverse(list(event ORDER BY r))` : sql`list(event ORDER BY r)`} AS path
          FROM numbered GROUP BY session`,
    ],
  );
  const sessions = withCtes(
    ctes,
    sql`SELECT actor, bd, cust, path FROM walked WHERE actor IS NOT NULL${
      fromTs === undefined ? sql`` : sql` AND t0 >= ${fromTs}`
    }`,
  );
  const top = sql`SELECT bd AS breakdown, rank, path, sessions, actors FROM (
        SELECT *, row_number() OVER (PARTITION BY bd ORDER BY sessions DESC, actors DESC, path) AS rank FROM (
          SELECT bd, path, count(*) AS sessions, count(DISTINCT actor) AS actors FROM (${sessions}) GROUP BY bd, path))
      WHERE rank <= ${int(params.limit)} ORDER BY bd NULLS FIRST, rank`;
  return { ...base, sessions, top };
}
