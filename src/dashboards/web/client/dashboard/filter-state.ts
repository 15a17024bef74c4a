import type { FilterDefinition } from '../../shared/page-data';

/**
 * The dashboard's filter values, kept in the URL so a view can be shared and the back button
 * steps through filter changes: a date range as `last 12 months` or `2025-01-01..2025-06-30`,
 * a dimension's values comma-separated, as the dashboards API reads them.
 */
export type FilterValues = ReadonlyMap<string, string | readonly string[]>;

const rangeText = (r: string | readonly [string, string]) => (typeof r === 'string' ? r : `${r[0]}..${r[1]}`);

function defaultOf(f: FilterDefinition): string | readonly string[] {
  return f.type === 'date_range' ? rangeText(f.default) : f.default;
}

export function readFilters(defs: readonly FilterDefinition[], search: string): FilterValues {
  const params = new URLSearchParams(search);
  const out = new Map<string, string | readonly string[]>();
  for (const f of defs) {
    const given = params.get(f.name);
    if (given === null || given === '') out.set(f.name, defaultOf(f));
    else out.set(f.name, f.type === 'date_range' ? given : given.split(',').filter(Boolean));
  }
  return out;
}

const textOf = (v: string | readonly string[]) => (typeof v === 'string' ? v : v.join(','));

export function isDefault(f: FilterDefinition, values: FilterValues): boolean {
  const v = values.get(f.name);
  return v === undefined || textOf(v) === textOf(defaultOf(f));
}

/** The values as the API's query string (and drill/segment bodies): every filter with a value. */
export function apiFilters(defs: readonly FilterDefinition[], values: FilterValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of defs) {
    const text = textOf(values.get(f.name) ?? defaultOf(f));
    if (text !== '') out[f.name] = text;
  }
  return out;
}

export function apiQueryString(defs: readonly FilterDefinition[], values: FilterValues): string {
  const q = new URLSearchParams(apiFilters(defs, values)).toString();
  return q ? `?${q}` : '';
}

/**
 * A query-string component, escaped only where it must be: `:`, `/`, `,` and `@` stay as they
 * are and a space is `+`, so a link reads `?region=Southern+Europe&drill.x=customers.region:A/…`.
 * URLSearchParams reads it back exactly (`+` is a space, `%2B` a plus).
 */
export function queryComponent(text: string): string {
  return encodeURIComponent(text)
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/')
    .replace(/%2C/gi, ',')
    .replace(/%40/gi, '@')
    .replaceAll('%20', '+');
}

export function searchOf(params: readonly (readonly [string, string])[]): string {
  const q = params.map(([k, v]) => `${queryComponent(k)}=${queryComponent(v)}`).join('&');
  return q ? `?${q}` : '';
}

/**
 * The page URL's query: only filters that differ from their default, so links stay short, then
 * any further parameters (the tiles' drill-downs).
 */
export function pageSearch(
  defs: readonly FilterDefinition[],
  values: FilterValues,
  more: readonly (readonly [string, string])[] = [],
): string {
  const params: [string, string][] = [];
  for (const f of defs) {
    if (!isDefault(f, values)) params.push([f.name, textOf(values.get(f.name)!)]);
  }
  return searchOf([...params, ...more]);
}

export function withValue(
  values: FilterValues,
  name: string,
  value: string | readonly string[],
): FilterValues {
  const next = new Map(values);
  next.set(name, value);
  return next;
}
