import { z } from 'zod';
import { IsoDate } from '../common/params';

/** The kinds of timeline entries, in the order entries of the same instant are listed. */
export const TIMELINE_KINDS = ['order', 'interaction', 'campaign', 'web_session', 'deal', 'ticket'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const SearchParamsSchema = z
  .object({
    /** An id, part of a name or e-mail, or a phone number in any notation. */
    search: z.string().trim().min(1, 'search is empty').max(200),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();

export type SearchParams = z.infer<typeof SearchParamsSchema>;

const STAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An ISO timestamp as the warehouse's UTC wall time (`YYYY-MM-DDTHH:MM:SS.mmm`). Without an
 * offset it is read as UTC, so a timeline entry's `at` can be passed back as it came.
 */
export const Timestamp = z
  .string()
  .regex(STAMP, 'a timestamp is YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]')
  .transform((s, ctx) => {
    const [, date, time, zone] = STAMP.exec(s)!;
    const ms = Date.parse(`${date}T${time ?? '00:00'}${zone ?? 'Z'}`);
    // Date rolls 2026-02-30 over into March: only a day that reads back the same is real.
    const day = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(ms) || Number.isNaN(+day) || !day.toISOString().startsWith(date!)) {
      ctx.addIssue({ code: 'custom', message: 'not a calendar date and time' });
      return z.NEVER;
    }
    return new Date(ms).toISOString().replace('Z', '');
  });

/** `order,deal` (or the parameter repeated): which kinds the timeline keeps. */
const Kinds = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(z.array(z.enum(TIMELINE_KINDS)).min(1, 'name at least one kind'));

export const DetailParamsSchema = z
  .object({
    /** The reference date of KPIs and RFM [the day after the warehouse's latest order]. */
    as_of: IsoDate.optional(),
    timeline_limit: z.coerce.number().int().min(1).max(2000).default(200),
    kinds: Kinds.optional(),
    /** Only timeline entries strictly before this instant (the previous page's `timeline_next_before`). */
    before: Timestamp.optional(),
  })
  .strict();

export type DetailParams = z.infer<typeof DetailParamsSchema>;
