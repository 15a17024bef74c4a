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
  const excluded =
    params.exclude_events.length === 0 ? sql`` : sql` AND event <> ALL(${params.exclude_events}::VARCHAR[])`;
  const k = int(params.steps);
  // Positions are 1-based; i0 is the anchor's position among the collapsed steps.
  const slice =
    params.end_event === undefined
      ? sql`list_slice(st, i0, i0 + ${k} - 1)`
      : sql`list_slice(st, greatest(1, i0 - ${k} + 1), i0)`;
  const from =
    params.from === undefined ? sql`` : sql` AND st[i0].t >= CAST(${date(params.from)} AS TIMESTAMP)`;
  // One sort per session (a list aggregate), then list functions: much cheaper than windows
  // over every row and a join back to the anchor.
  const top = withCtes(
    [
      [
        'sessions',
        sql`SELECT list({'e': event, 'a': actor, 'b': bd, 't': ts} ORDER BY ts, event, eid) AS l
            FROM (${src.rows}) WHERE session IS NOT NULL${excluded} GROUP BY session`,
      ],
      // Consecutive repeats collapse into their first event.
      ['steps', sql`SELECT list_filter(l, lambda x, i: i = 1 OR x.e <> l[i - 1].e) AS st FROM sessions`],
      [
        'anchored',
        sql`SELECT st, ${
          anchorEvent === undefined
            ? sql`1`
            : sql`list_position(list_transform(st, lambda x: x.e), ${anchorEvent})`
        } AS i0 FROM steps`,
      ],
      [
        'paths',
        sql`SELECT st[i0].a AS actor, st[i0].b AS bd, list_transform(${slice}, lambda x: x.e) AS path
            FROM anchored WHERE i0 > 0 AND st[i0].a IS NOT NULL${from}`,
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
