import { AppError } from '../../errors';
import type { FieldType } from '../contracts';

/** Rows of a remote source at or past `from` in `column` (the incremental key's source column). */
export interface ExtractWindow {
  readonly column: string;
  /** Inclusive lower bound as text: `YYYY-MM-DD HH:MM:SS.mmm` (UTC) or an integer. */
  readonly from: string;
}

const UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400 };

/**
 * The overlap of a remote incremental job with a timestamp or date key that sets none: rows
 * written by a transaction that started before the extract but committed after it carry keys
 * behind the watermark; re-reading this far back finds them (the merge counts them once).
 */
export const DEFAULT_OVERLAP = '10 minutes';

/** An overlap as seconds (timestamps) or ids: a number, or "90 seconds", "10 minutes", "2 hours". */
export function overlapAmount(overlap: number | string | undefined): number {
  if (overlap === undefined) return 0;
  if (typeof overlap === 'number') return overlap;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day)s?\s*$/i.exec(overlap);
  if (!m) {
    throw new AppError(
      'CONFIG_INVALID',
      `incremental.overlap "${overlap}" is not a number or a duration such as "10 minutes"`,
    );
  }
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

function utc(mark: string): Date {
  const d = new Date(`${mark.trim().replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(mark) ? '' : 'Z'}`);
  if (Number.isNaN(+d)) throw new Error(`the stored watermark "${mark}" is not a timestamp`);
  return d;
}

export function formatUtc(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The lower bound of the next extract: the stored watermark minus the overlap. Rows at the
 * watermark itself are read again (>=), since rows sharing its value may have committed after
 * the last extract; the merge finds them unchanged.
 */
export function lowerBound(mark: string, type: FieldType, overlap: number | string | undefined): string {
  const amount = overlapAmount(overlap ?? (type === 'timestamp' || type === 'date' ? DEFAULT_OVERLAP : 0));
  switch (type) {
    case 'timestamp':
      // Milliseconds are floored, which only widens the window.
      return formatUtc(new Date(utc(mark).getTime() - Math.ceil(amount * 1000)));
    case 'date':
      return formatUtc(new Date(utc(mark).getTime() - Math.ceil(amount / 86_400) * 86_400_000)).slice(0, 10);
    case 'integer':
      return String(BigInt(mark.split('.')[0]!) - BigInt(Math.ceil(amount)));
    default:
      return mark;
  }
}
