import { countDistinct, fn, raw, sql } from '../../../sql';
import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, label, plural, str, type TimelineSource } from './entry';

/** The web funnel's steps, in order: a session reached the furthest one among its events. */
const FUNNEL = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase'] as const;

/**
 * One entry per web session the customer was identified in (any event carrying their id),
 * counting all of the session's events, including those before they logged in or checked out.
 */
export const webSessionEntries: TimelineSource = {
  kind: 'web_session',
  rows(ctx, customerId) {
    const events = memberRows(
      ctx,
      'web_events',
      [
        ['session_id', 'web_events.session_id'],
        ['at', 'web_events.occurred_at'],
        ['event', 'web_events.event'],
        ['page', 'web_events.page'],
        ['source', 'web_events.source'],
        ['medium', 'web_events.medium'],
        ['search', 'web_events.search_query'],
        ['purchase', 'web_events.purchases'],
      ],
      [{ member: 'web_events.session_id', operator: 'set' }],
    );
    const own = memberRows(
      ctx,
      'web_events',
      [['session_id', 'web_events.session_id']],
      [customerFilter('web_events', customerId)],
    );
    // Columns qualified: ClickHouse reads a bare name that is also an alias as the alias. The
    // event types may repeat (a set is made of them below).
    const at = raw('w."at"');
    return sql`
      SELECT w.session_id AS ref, min(w."at") AS "at", max(w."at") AS ended_at, count(*) AS events,
             ${countDistinct(raw('w.page'))} AS pages, count(w.search) AS searches, count(w.purchase) AS purchases,
             ${fn.arrayAgg(raw('w.event'))} AS event_types, ${fn.argMin(raw('w.source'), at)} AS source,
             ${fn.argMin(raw('w.medium'), at)} AS medium
      FROM (${events}) AS w WHERE w.session_id IN (SELECT o.session_id FROM (${own}) AS o) GROUP BY w.session_id`;
  },
  entry(row) {
    const types = new Set((row['event_types'] as string[] | null) ?? []);
    const reached = [...FUNNEL].reverse().find((step) => types.has(step)) ?? null;
    const events = Number(row['events']);
    const pages = Number(row['pages']);
    const source = str(row['source']);
    const medium = str(row['medium']);
    const purchased = Number(row['purchases']) > 0;
    return {
      at: String(row['at']),
      kind: 'web_session',
      title: 'Web session',
      detail: detailOf([
        plural(events, 'event'),
        plural(pages, 'page'),
        source && `${source}/${medium ?? '(none)'}`,
        reached && (purchased ? 'purchased' : `reached ${label(reached)!.toLowerCase()}`),
      ]),
      status: reached,
      amount: null,
      planned: false,
      ref: String(row['ref']),
      data: {
        ended_at: str(row['ended_at']),
        events,
        pages,
        searches: Number(row['searches']),
        purchased,
        reached,
        source,
        medium,
      },
    };
  },
};
