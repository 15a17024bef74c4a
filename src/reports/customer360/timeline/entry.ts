import type { JsonValue, Row } from '../../../engine';
import type { SqlNode } from '../../../sql';
import type { ReportContext } from '../../common/context';
import type { TimelineKind } from '../params';

/** One thing that happened to (or is planned with) the customer. */
export interface TimelineEntry {
  /** When, as UTC wall time (`YYYY-MM-DDTHH:MM:SS.mmm`, as every timestamp rapport returns). */
  at: string;
  kind: TimelineKind;
  title: string;
  detail: string;
  status: string | null;
  amount: number | null;
  /** Lies ahead: a planned interaction. */
  planned: boolean;
  /** The id of what the entry is about: order, interaction, campaign, session, deal, ticket. */
  ref: string;
  /** The entry's fields, for clients that lay them out themselves. */
  data: Record<string, JsonValue>;
}

/** A kind of entry: the customer's rows (with an `at` column) and how one row reads. */
export interface TimelineSource {
  readonly kind: TimelineKind;
  rows(ctx: ReportContext, customerId: string): SqlNode;
  entry(row: Row): TimelineEntry;
}

/** The non-empty parts, each once (a campaign's kind and channel are often both "email"), as the detail line. */
export function detailOf(parts: readonly (string | null | undefined | false)[]): string {
  return [...new Set(parts.filter((p): p is string => typeof p === 'string' && p !== ''))].join(' · ');
}

export const str = (v: JsonValue | undefined): string | null =>
  v === null || v === undefined ? null : String(v);

export const num = (v: JsonValue | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const hours = (h: number | null) => (h === null ? null : `${Math.round(h * 10) / 10} h`);

/** A word of the data (`add_to_cart`, `call`) as a label: `Add to cart`, `Call`. */
export const label = (s: string | null) =>
  s === null ? null : s.charAt(0).toUpperCase() + s.slice(1).replaceAll('_', ' ');
