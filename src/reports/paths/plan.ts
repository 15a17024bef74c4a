import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { checkEvents, insightEvents } from '../insights/common/source';
import { date, int, withCtes } from '../insights/common/sql';
import { type PathsParams, parsePaths } from './params';

export interface PathsPlan {
  readonly params: PathsParams;
  readonly asOf: string | null;
  readonly breakdown?: string;
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
  const order = sql`PARTITION BY session ORDER BY ts, event, eid`;
  const excluded =
    params.exclude_events.length === 0 ? sql`` : sql` AND event <> ALL(${params.exclude_events}::VARCHAR[])`;
  const k = params.steps;
  const window =
    params.end_event === undefined
      ? sql`c.pos BETWEEN a.apos AND a.apos + ${int(k - 1)}`
      : sql`c.pos BETWEEN a.apos - ${int(k - 1)} AND a.apos`;
  const from = params.from === undefined ? sql`` : sql` AND ts >= CAST(${date(params.from)} AS TIMESTAMP)`;
  const top = withCtes(
    [
      [
        'ev',
        sql`SELECT session, actor, ts, event, bd, eid FROM (${src.rows}) WHERE session IS NOT NULL${excluded}`,
      ],
      [
        'col',
        sql`SELECT *, row_number() OVER (${order}) AS pos FROM (
              SELECT *, lag(event) OVER (${order}) AS prev FROM ev) WHERE prev IS DISTINCT FROM event`,
        true,
      ],
      [
        'anchor',
        sql`SELECT session, pos AS apos, actor, bd, ts FROM col
            WHERE ${anchorEvent === undefined ? sql`pos = 1` : sql`event = ${anchorEvent}`}
            QUALIFY row_number() OVER (PARTITION BY session ORDER BY pos) = 1`,
      ],
      [
        'paths',
        sql`SELECT a.session, any_value(a.actor) AS actor, any_value(a.bd) AS bd, list(c.event ORDER BY c.pos) AS path
            FROM (SELECT * FROM anchor WHERE actor IS NOT NULL${from}) a JOIN col c ON c.session = a.session AND ${window}
            GROUP BY a.session`,
      ],
      [
        'counted',
        sql`SELECT bd, path, count(*) AS sessions, count(DISTINCT actor) AS actors FROM paths GROUP BY bd, path`,
      ],
    ],
    sql`SELECT bd AS breakdown, rank, path, sessions, actors FROM (
          SELECT *, row_number() OVER (PARTITION BY bd ORDER BY sessions DESC, actors DESC, path) AS rank FROM counted)
        WHERE rank <= ${int(params.limit)} ORDER BY bd NULLS FIRST, rank`,
  );
  return { ...base, top };
}
