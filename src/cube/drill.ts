import { AppError } from '../errors';
import { findDimension, findMember } from '../model/lookup';
import { GRANULARITIES, type Granularity, type Measure, type Model } from '../model/types';
import type { CubeQuery, QueryFilter } from '../query/schema';

/**
 * The granularity a time bucket drills into. The day is the last level: below it a click opens
 * the day's records (an hour of a dashboard's month is not an analysis anyone asked for).
 */
const FINER: Partial<Record<Granularity, Granularity>> = {
  year: 'quarter',
  quarter: 'month',
  month: 'day',
  week: 'day',
};

function bucketEnd(start: string, g: Granularity): string {
  const d = new Date(`${start.slice(0, 23)}Z`);
  const add: Record<Granularity, () => void> = {
    second: () => d.setUTCSeconds(d.getUTCSeconds() + 1),
    minute: () => d.setUTCMinutes(d.getUTCMinutes() + 1),
    hour: () => d.setUTCHours(d.getUTCHours() + 1),
    day: () => d.setUTCDate(d.getUTCDate() + 1),
    week: () => d.setUTCDate(d.getUTCDate() + 7),
    month: () => d.setUTCMonth(d.getUTCMonth() + 1),
    quarter: () => d.setUTCMonth(d.getUTCMonth() + 3),
    year: () => d.setUTCFullYear(d.getUTCFullYear() + 1),
  };
  add[g]();
  return new Date(d.getTime() - 1).toISOString().slice(0, 23);
}

/** The hierarchy level below `dimension`, if it is a level of one. */
function nextLevel(model: Model, dimension: string): string | undefined {
  for (const cube of model.cubes.values()) {
    for (const h of cube.hierarchies.values()) {
      const i = h.levels.indexOf(dimension);
      if (i >= 0 && i < h.levels.length - 1) return h.levels[i + 1];
    }
  }
  return undefined;
}

/**
 * What a click on a row of `query` drills into: the first dimension that is a hierarchy level
 * with a level below it, else the first time dimension with a finer granularity.
 */
export function drillTarget(model: Model, query: CubeQuery): { member: string; to: string } | undefined {
  for (const d of query.dimensions) {
    const next = nextLevel(model, d);
    if (next) return { member: d, to: next };
  }
  for (const t of query.timeDimensions) {
    const finer = t.granularity ? FINER[t.granularity as Granularity] : undefined;
    if (finer) return { member: `${t.dimension}.${t.granularity}`, to: `${t.dimension}.${finer}` };
  }
  return undefined;
}

/**
 * Drill-down: the query one level below a row's value of `member`. A time bucket opens into the
 * next finer granularity within that bucket; a hierarchy level is filtered to the row's value
 * and replaced by the level below (region > country > city, category > subcategory > product).
 */
export function drillDown(
  model: Model,
  query: CubeQuery,
  member: string,
  row: Record<string, unknown>,
): CubeQuery {
  if (!(member in row))
    throw new AppError('INVALID_QUERY', `drill: the row has no value for ${member}`, { member });
  const value = row[member];
  const parts = member.split('.');
  if (parts.length === 3 && GRANULARITIES.includes(parts[2] as Granularity)) {
    const g = parts[2] as Granularity;
    const dimension = `${parts[0]}.${parts[1]}`;
    const finer = FINER[g];
    if (!finer)
      throw new AppError('INVALID_QUERY', `drill: ${member} is already the finest granularity`, { member });
    if (typeof value !== 'string')
      throw new AppError('INVALID_QUERY', `drill: ${member} has no time value in the row`, { member });
    if (!query.timeDimensions.some((t) => t.dimension === dimension && t.granularity === g))
      throw new AppError('INVALID_QUERY', `drill: ${member} is not among the query's time buckets`, {
        member,
      });
    const from = value.slice(0, 23);
    const timeDimensions = query.timeDimensions.map((t) =>
      t.dimension === dimension && t.granularity === g
        ? { dimension, granularity: finer, dateRange: [from, bucketEnd(from, g)] as [string, string] }
        : t,
    );
    return { ...query, timeDimensions, order: undefined };
  }
  if (!query.dimensions.includes(member)) {
    throw new AppError('INVALID_QUERY', `drill: ${member} is not among the query's dimensions`, { member });
  }
  findDimension(model, member, 'drill');
  const next = nextLevel(model, member);
  if (!next)
    throw new AppError(
      'INVALID_QUERY',
      `drill: ${member} is not a level of a hierarchy with a level below it`,
      { member },
    );
  const filter: QueryFilter =
    value === null || value === undefined
      ? { member, operator: 'notSet' }
      : { member, operator: 'equals', values: [String(value)] };
  return {
    ...query,
    dimensions: query.dimensions.map((d) => (d === member ? next : d)),
    filters: [...query.filters, filter],
    order: undefined,
  };
}

const PER_ROW: ReadonlySet<Measure['type']> = new Set(['sum', 'avg', 'min', 'max']);

/** A row's value of `member` as a filter: equal to it, or not set for a null. */
function valueFilter(member: string, value: unknown): QueryFilter {
  return value === null || value === undefined
    ? { member, operator: 'notSet' }
    : { member, operator: 'equals', values: [String(value)] };
}

/**
 * The records behind one row of `query` (a clicked mark): an ungrouped query of the fact of the
 * query's first measure, filtered to the row's value of every dimension and time bucket (within
 * the query's own date range), to the query's filters and segments, and to the rows its measures
 * count (their `filters`, e.g. completed order lines). Its columns are the fact's visible
 * dimensions, then the query's dimensions and the measures that have a value per row; its order
 * is the fact's first time dimension, then its primary key.
 */
export function recordsQuery(model: Model, query: CubeQuery, row: Record<string, unknown>): CubeQuery {
  const filters: QueryFilter[] = [...query.filters];
  for (const d of query.dimensions) {
    if (!(d in row))
      throw new AppError('INVALID_QUERY', `records: the row has no value for ${d}`, { member: d });
    filters.push(valueFilter(d, row[d]));
  }
  const timeDimensions = query.timeDimensions.map((t) => {
    if (t.compareDateRange)
      throw new AppError('INVALID_QUERY', 'records: a compared period has no records of its own', {
        member: t.dimension,
      });
    if (!t.granularity) return t;
    const member = `${t.dimension}.${t.granularity}`;
    const value = row[member];
    if (typeof value !== 'string')
      throw new AppError('INVALID_QUERY', `records: the row has no time value for ${member}`, { member });
    // The bucket, within the query's range (a bucket may start before a custom range does).
    if (t.dateRange !== undefined) {
      const range = typeof t.dateRange === 'string' ? [t.dateRange] : [...t.dateRange];
      filters.push({ member: t.dimension, operator: 'inDateRange', values: range });
    }
    const from = value.slice(0, 23);
    return {
      dimension: t.dimension,
      dateRange: [from, bucketEnd(from, t.granularity as Granularity)] as [string, string],
    };
  });
  const measures = query.measures.map((m) => findMember(model, m, 'measure', 'records').member as Measure);
  const first = query.measures[0] ?? query.dimensions[0] ?? query.timeDimensions[0]?.dimension;
  if (!first) throw new AppError('INVALID_QUERY', 'records: the query has no measure or dimension');
  const cube = model.cubes.get(first.split('.')[0]!)!;
  const own = measures.filter((m) => m.cube === cube.name);
  // Rows its measures count: all of them when one measure counts every row.
  if (own.length > 0 && own.every((m) => m.filters.length > 0)) {
    const counted = own.map((m): QueryFilter => ({ member: m.fullName, operator: 'measureFilter' }));
    filters.push(counted.length === 1 ? counted[0]! : { or: counted });
  }
  const visible = (d: { public: boolean; fullName: string }) =>
    d.public && !model.access?.hidden.has(d.fullName);
  const columns = [...cube.dimensions.values()].filter(visible);
  const time = columns.find((d) => d.type === 'time');
  const keys = columns.filter((d) => d.primaryKey);
  const order: [string, 'asc'][] = [...(time ? [time] : []), ...keys].map((d) => [d.fullName, 'asc']);
  return {
    measures: own.filter((m) => PER_ROW.has(m.type)).map((m) => m.fullName),
    dimensions: [...new Set([...columns.map((d) => d.fullName), ...query.dimensions])],
    timeDimensions,
    filters,
    segments: query.segments,
    ...(query.timezone ? { timezone: query.timezone } : {}),
    ungrouped: true,
    order,
  };
}
