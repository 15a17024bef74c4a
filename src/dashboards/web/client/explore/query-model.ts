import type { CubeQuery } from '../api-types';

export const OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
] as const;

export const OPERATOR_LABELS: Readonly<Record<string, string>> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  set: 'is set',
  notSet: 'is not set',
  inDateRange: 'in date range',
};

/** Operators that take no values. */
export const UNARY = new Set(['set', 'notSet']);

export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;

export interface MemberFilter {
  member: string;
  operator: string;
  values: string[];
}

export interface TimeSelection {
  dimension: string;
  granularity?: string;
  dateRange?: string | [string, string];
}

/**
 * The query the builder edits. Parts it has no editor for (and/or filter groups, further
 * time dimensions, other keys) ride along untouched, so "Open in Explore" never loses any.
 */
export interface ExploreQuery {
  measures: string[];
  dimensions: string[];
  time?: TimeSelection;
  filters: MemberFilter[];
  segments: string[];
  order: [string, 'asc' | 'desc'][];
  limit?: number;
  kept: { filters: unknown[]; timeDimensions: TimeSelection[]; rest: Record<string, unknown> };
}

export function emptyQuery(): ExploreQuery {
  return {
    measures: [],
    dimensions: [],
    filters: [],
    segments: [],
    order: [],
    kept: { filters: [], timeDimensions: [], rest: {} },
    limit: 1000,
  };
}

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v) => typeof v === 'string') : []);

function isMemberFilter(
  f: unknown,
): f is { member?: string; dimension?: string; operator: string; values?: unknown[] } {
  return typeof f === 'object' && f !== null && 'operator' in f && ('member' in f || 'dimension' in f);
}

/** Reads a Cube query (from the URL or a dashboard tile) into the builder's shape. */
export function fromCubeQuery(input: unknown): ExploreQuery {
  const q = (typeof input === 'object' && input !== null ? input : {}) as CubeQuery;
  const { measures, dimensions, timeDimensions, filters, segments, order, limit, ...rest } = q;
  const times = Array.isArray(timeDimensions) ? timeDimensions : [];
  const memberFilters: MemberFilter[] = [];
  const keptFilters: unknown[] = [];
  for (const f of Array.isArray(filters) ? filters : []) {
    if (isMemberFilter(f)) {
      memberFilters.push({
        member: String(f.member ?? f.dimension),
        operator: f.operator,
        values: (f.values ?? []).map((v) => String(v)),
      });
    } else keptFilters.push(f);
  }
  const orderList: [string, 'asc' | 'desc'][] = Array.isArray(order)
    ? order.map(([m, d]) => [m, d === 'desc' ? 'desc' : 'asc'])
    : Object.entries(order ?? {}).map(([m, d]) => [m, d === 'desc' ? 'desc' : 'asc']);
  return {
    measures: strings(measures),
    dimensions: strings(dimensions),
    time: times[0] ? { ...times[0] } : undefined,
    filters: memberFilters,
    segments: strings(segments),
    order: orderList,
    limit: typeof limit === 'number' ? limit : undefined,
    kept: { filters: keptFilters, timeDimensions: times.slice(1), rest },
  };
}

/** The builder's query as the API takes it. */
export function toCubeQuery(q: ExploreQuery): CubeQuery {
  const timeDimensions = [...(q.time ? [q.time] : []), ...q.kept.timeDimensions];
  const filters = [
    ...q.filters
      .filter((f) => f.member && f.operator)
      .map((f) => ({
        member: f.member,
        operator: f.operator,
        ...(UNARY.has(f.operator) ? {} : { values: f.values.map((v) => v.trim()).filter((v) => v !== '') }),
      })),
    ...q.kept.filters,
  ];
  return {
    ...q.kept.rest,
    ...(q.measures.length > 0 ? { measures: q.measures } : {}),
    ...(q.dimensions.length > 0 ? { dimensions: q.dimensions } : {}),
    ...(timeDimensions.length > 0 ? { timeDimensions } : {}),
    ...(filters.length > 0 ? { filters } : {}),
    ...(q.segments.length > 0 ? { segments: q.segments } : {}),
    ...(q.order.length > 0 ? { order: q.order } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
  };
}

/** Whether the query asks for anything (a query without members has nothing to run). */
export function isRunnable(q: ExploreQuery): boolean {
  return q.measures.length > 0 || q.dimensions.length > 0 || q.time?.granularity !== undefined;
}

export function readQueryFromUrl(search: string): ExploreQuery | { error: string } {
  const text = new URLSearchParams(search).get('query');
  if (!text) return emptyQuery();
  try {
    return fromCubeQuery(JSON.parse(text));
  } catch (e) {
    return { error: `The query in the link is not JSON: ${(e as Error).message}` };
  }
}

export function queryUrl(q: ExploreQuery): string {
  const cube = toCubeQuery(q);
  return Object.keys(cube).length === 0
    ? '/explore'
    : `/explore?query=${encodeURIComponent(JSON.stringify(cube))}`;
}

/** Values typed as a comma-separated list. */
export function parseValues(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
