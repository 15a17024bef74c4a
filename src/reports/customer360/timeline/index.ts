import { param, sql } from '../../../sql';
import type { ReportContext } from '../../common/context';
import { TIMELINE_KINDS, type TimelineKind } from '../params';
import { campaignEntries } from './campaigns';
import { dealEntries } from './deals';
import type { TimelineEntry, TimelineSource } from './entry';
import { interactionEntries } from './interactions';
import { orderEntries } from './orders';
import { ticketEntries } from './tickets';
import { webSessionEntries } from './web-sessions';

export type { TimelineEntry } from './entry';

const SOURCES: Record<TimelineKind, TimelineSource> = {
  order: orderEntries,
  interaction: interactionEntries,
  campaign: campaignEntries,
  web_session: webSessionEntries,
  deal: dealEntries,
  ticket: ticketEntries,
};

export interface TimelinePage {
  /** Newest first; planned interactions, lying ahead, come first. */
  entries: TimelineEntry[];
  /** Every entry of each kind the customer has (all pages), from the warehouse. */
  totals: Partial<Record<TimelineKind, number>>;
  /** Pass as `before` for the next page; null when this page holds the oldest entry. */
  next_before: string | null;
}

export interface TimelineOptions {
  readonly limit: number;
  readonly kinds?: readonly TimelineKind[];
  /** Only entries strictly before this UTC wall time. */
  readonly before?: string;
}

const ORDER = new Map(TIMELINE_KINDS.map((k, i) => [k, i]));

function newestFirst(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return (
    ORDER.get(a.kind)! - ORDER.get(b.kind)! || a.ref.localeCompare(b.ref) || a.title.localeCompare(b.title)
  );
}

/**
 * A page of the customer's timeline, merged from every kind. Each kind fetches the rows of its
 * limit + 1 latest instants; the page is every entry at or after the limit-th entry's instant t,
 * so entries sharing t (an order and the conversion it completes) never straddle two pages, and
 * the next page is everything before t. Any kind cut short has fetched a row before t, which is
 * how the page knows more follow.
 */
export async function customerTimeline(
  ctx: ReportContext,
  customerId: string,
  options: TimelineOptions,
): Promise<TimelinePage> {
  const sources = [...new Set(options.kinds ?? TIMELINE_KINDS)].map((k) => SOURCES[k]);
  const fetched = await Promise.all(
    sources.map(async (s) => {
      const before =
        options.before === undefined ? sql`` : sql` WHERE e."at" < ${param(options.before, 'timestamp')}`;
      // A subquery, not QUALIFY, which not every engine has.
      const r = await ctx.engine.query(sql`
        SELECT * FROM (
          SELECT e.*, dense_rank() OVER (ORDER BY e."at" DESC) AS __newest
          FROM (${s.rows(ctx, customerId)}) AS e${before}
        ) AS ranked WHERE __newest <= ${options.limit + 1}`);
      return r.rows.map((row) => s.entry(row));
    }),
  );
  const counted = await Promise.all(
    sources.map(async (s) => {
      const r = await ctx.engine.query(sql`SELECT count(*) AS n FROM (${s.rows(ctx, customerId)})`);
      return [s.kind, Number(r.rows[0]?.['n'] ?? 0)] as const;
    }),
  );
  const totals = Object.fromEntries(counted.filter(([, n]) => n > 0));
  const all = fetched.flat().sort(newestFirst);
  if (all.length <= options.limit) return { entries: all, totals, next_before: null };
  const t = all[options.limit - 1]!.at;
  const entries = all.filter((e) => e.at >= t);
  return { entries, totals, next_before: entries.length < all.length ? t : null };
}
