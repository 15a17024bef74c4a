import type { SqlNode } from './ast';

/** How a dialect renders a child node (the renderer passes itself in). */
export type RenderChild = (node: SqlNode) => string;

/**
 * A dialect writes SQL text for one engine and does nothing else: no I/O. Every flag and
 * function has a default in `baseDialect`, so a new dialect overrides only what differs. The
 * compiler branches on flags, never on `name`.
 */
export interface Dialect {
  readonly name: string;
  /** Quotes one identifier part, doubling the quote character inside it. */
  quoteIdentifier(name: string): string;
  /** The placeholder for the i-th (1-based) bound parameter. */
  placeholder(index: number, type?: string): string;
  /** `date_trunc` of a UTC timestamp, optionally seen in a time zone (the zone is a bound value). */
  timeBucket(
    granularity: string,
    expr: string,
    timezone: string | undefined,
    renderValue: RenderChild,
  ): string;
  /** A wall-clock timestamp in a zone, as the UTC timestamp the warehouse stores. */
  localToUtc(expr: string, timezone: string, renderValue: RenderChild): string;
  countDistinct(expr: string, approx: boolean, filter: string | undefined): string;
  /** The text at `path` (object keys) inside the JSON `expr`; the keys are bound values. */
  jsonText(expr: string, path: readonly string[], renderValue: RenderChild): string;
  textMatch(mode: 'contains' | 'starts_with' | 'ends_with', expr: string, value: string): string;
  /** Whether aggregates take `FILTER (WHERE …)`; otherwise a CASE inside the aggregate. */
  readonly supportsAggregateFilter: boolean;
  readonly supportsGroupingSets: boolean;
  readonly supportsQualify: boolean;
  /** Whether `IS NOT DISTINCT FROM` is available for null-safe joins. */
  readonly supportsNullSafeEquals: boolean;
}

export const baseDialect: Dialect = {
  name: 'ansi',
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: () => '?',
  timeBucket: (g, expr) => `date_trunc('${g}', ${expr})`,
  localToUtc: (expr) => expr,
  countDistinct: (expr, _approx, filter) =>
    filter === undefined ? `count(DISTINCT ${expr})` : `count(DISTINCT CASE WHEN ${filter} THEN ${expr} END)`,
  // JSONPath with every key quoted, so a key may hold `$`, `.` or spaces (PostHog's `$browser`).
  jsonText: (expr, path, value) =>
    `json_extract_string(${expr}, ${value({ kind: 'param', value: jsonPath(path) })})`,
  textMatch: (mode, expr, value) => {
    const pattern =
      mode === 'contains'
        ? `'%' || lower(${value}) || '%'`
        : mode === 'starts_with'
          ? `lower(${value}) || '%'`
          : `'%' || lower(${value})`;
    return `lower(${expr}) LIKE ${pattern}`;
  },
  supportsAggregateFilter: false,
  supportsGroupingSets: true,
  supportsQualify: false,
  supportsNullSafeEquals: true,
};

/** `$."a"."b"`: a JSONPath of object keys, each quoted (`"` and `\\` escaped). */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `."${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join('')}`;
}
