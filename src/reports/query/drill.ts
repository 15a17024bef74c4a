import { AppError } from '../../errors';
import { findDimension } from '../../model/lookup';
import { GRANULARITIES, type Granularity, type Model } from '../../model/types';
import type { CubeQuery, QueryFilter } from '../../query/schema';

const FINER: Partial<Record<Granularity, Granularity>> = {
  year: 'quarter',
  quarter: 'month',
  month: 'day',
  week: 'day',
  day: 'hour',
  hour: 'minute',
  minute: 'second',
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
