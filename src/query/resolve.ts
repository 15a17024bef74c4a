import { AppError } from '../errors';
import {
  allOf,
  type LogicalDimension,
  type LogicalFilter,
  type LogicalMeasure,
  type LogicalQuery,
} from '../model/logical-query';
import { findDimension, findMeasure, findSegment } from '../model/lookup';
import type { Dimension, Measure, Model } from '../model/types';
import { DateRangeError, isValidTimeZone, resolveDateRange } from './date-range';
import { resolveFilters } from './filters';
import { cubeNames, cubesOf, planGroups, rowFilterExprs } from './planner';
import type { CubeQuery } from './schema';

export interface ResolveOptions {
  readonly now: Date;
  /** Rows a query may ask for [50,000]; a query without a limit gets `defaultLimit` [10,000]. */
  readonly maxLimit?: number;
  readonly defaultLimit?: number;
}

function timeRangeFilter(
  dimension: Dimension,
  range: string | readonly [string, string],
  timezone: string,
  now: Date,
): LogicalFilter {
  try {
    const r = resolveDateRange(range, timezone, now);
    return { kind: 'condition', member: dimension, operator: 'inDateRange', values: [r.from, r.toExclusive] };
  } catch (e) {
    if (e instanceof DateRangeError) {
      throw new AppError('INVALID_QUERY', `timeDimensions ${dimension.fullName}: ${e.message}`, {
        member: dimension.fullName,
      });
    }
    throw e;
  }
}

/**
 * Resolves a validated query against the model: finds every member, types the filters, turns
 * date ranges into absolute wall-clock bounds, plans the joins, and settles order and limit.
 * A user's mistake is an AppError naming the member and what is wrong with it.
 */
export function resolveQuery(model: Model, query: CubeQuery, options: ResolveOptions): LogicalQuery {
  const timezone = query.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) {
    throw new AppError(
      'INVALID_QUERY',
      `unknown time zone "${timezone}"; use an IANA name such as Europe/Berlin`,
    );
  }
  const measures: LogicalMeasure[] = query.measures.map((name) => ({
    alias: name,
    measure: findMeasure(model, name),
  }));
  const dimensions: LogicalDimension[] = query.dimensions.map((name) => {
    const dimension = findDimension(model, name);
    if (dimension.segmentMembership) {
      throw new AppError(
        'INVALID_QUERY',
        `${name} filters by saved segment membership; it cannot be a query dimension`,
        {
          member: name,
        },
      );
    }
    return { alias: name, dimension };
  });
  const rowFilters: LogicalFilter[] = [];
  for (const td of query.timeDimensions) {
    const dimension = findDimension(model, td.dimension, 'timeDimensions');
    if (dimension.type !== 'time') {
      throw new AppError(
        'INVALID_QUERY',
        `timeDimensions: ${td.dimension} is a ${dimension.type} dimension, not a time dimension`,
        {
          member: td.dimension,
        },
      );
    }
    if (td.compareDateRange) {
      throw new AppError(
        'INVALID_QUERY',
        'compareDateRange is answered as several queries; split it before resolving',
      );
    }
    if (td.granularity) {
      const alias = `${td.dimension}.${td.granularity}`;
      if (!dimensions.some((d) => d.alias === alias))
        dimensions.push({ alias, dimension, granularity: td.granularity });
    }
    if (td.dateRange !== undefined)
      rowFilters.push(timeRangeFilter(dimension, td.dateRange, timezone, options.now));
  }
  if (measures.length === 0 && dimensions.length === 0) {
    throw new AppError(
      'INVALID_QUERY',
      'a query asks for at least one measure, dimension or time dimension with a granularity',
    );
  }
  const seen = new Set<string>();
  for (const m of [...measures, ...dimensions]) {
    if (seen.has(m.alias))
      throw new AppError('INVALID_QUERY', `${m.alias} is asked for twice`, { member: m.alias });
    seen.add(m.alias);
  }
  const filters = resolveFilters(query.filters, { model, timezone, now: options.now });
  rowFilters.push(...filters.rows);
  for (const s of query.segments) {
    rowFilters.push({ kind: 'segment', segment: findSegment(model, s) });
  }

  const rowCubes = new Set<string>();
  for (const d of dimensions) cubesOf(model, d.dimension.cube, [d.dimension.sql], rowCubes);
  for (const f of rowFilters) for (const r of rowFilterExprs(f)) cubesOf(model, r.cube, r.exprs, rowCubes);
  for (const f of filters.aggregates) {
    for (const m of measuresIn(f)) {
      if (!measures.some((x) => x.measure === m)) {
        throw new AppError(
          'INVALID_QUERY',
          `filter on ${m.fullName}: a measure filter needs the measure in measures`,
          {
            member: m.fullName,
          },
        );
      }
    }
  }
  const queryCubes = [
    ...new Set([...measures.map((m) => m.measure.cube), ...dimensions.map((d) => d.dimension.cube)]),
  ];
  const groups = planGroups(model, measures, cubeNames(rowCubes), queryCubes);

  const aliases = new Map([...measures, ...dimensions].map((m) => [m.alias, m]));
  const order = resolveOrder(query, measures, dimensions, aliases);
  const maxLimit = options.maxLimit ?? 50_000;
  const limit = query.limit ?? Math.min(options.defaultLimit ?? 10_000, maxLimit);
  if (limit > maxLimit) {
    throw new AppError(
      'INVALID_QUERY',
      `limit ${limit} is above the maximum of ${maxLimit} rows; page with offset`,
      { maxLimit },
    );
  }
  const multiplied = groups.some((g) => g.multiplied.size > 0);
  if (query.ungrouped && (groups.length > 1 || multiplied)) {
    throw new AppError(
      'INVALID_QUERY',
      'an ungrouped query reads rows of one cube and the cubes it reaches; its measures need aggregation across facts',
    );
  }
  const calculated = query.ungrouped ? measures.find((m) => m.measure.type === 'number') : undefined;
  if (calculated) {
    // A calculated measure is written over aggregates (a ratio, a median): it has no per-row value.
    throw new AppError(
      'INVALID_QUERY',
      `${calculated.alias} is calculated from aggregates; an ungrouped query cannot show it per row`,
      { member: calculated.alias },
    );
  }
  if (query.ungrouped && filters.aggregates.length > 0) {
    throw new AppError(
      'INVALID_QUERY',
      'an ungrouped query has no aggregates to filter; filter its dimensions instead',
    );
  }
  const rollup = resolveRollup(query, dimensions);
  if (rollup.length > 0 && (groups.length > 1 || multiplied || query.ungrouped)) {
    throw new AppError(
      'UNSUPPORTED_FEATURE',
      'rollup works on grouped queries whose measures all come from one fact (the root of the joins)',
    );
  }
  return {
    groups,
    dimensions,
    where: allOf(rowFilters),
    having: allOf(filters.aggregates),
    order,
    limit,
    offset: query.offset ?? 0,
    timezone: timezone === 'UTC' || timezone === 'Etc/UTC' ? undefined : timezone,
    ungrouped: query.ungrouped ?? false,
    rollup,
    // To the minute: `{NOW}` is bound as a parameter, and results are cached by SQL and parameters.
    now: new Date(Math.floor(options.now.getTime() / 60_000) * 60_000),
  };
}

function measuresIn(f: LogicalFilter): Measure[] {
  if (f.kind === 'and' || f.kind === 'or') return f.children.flatMap(measuresIn);
  if (f.kind === 'condition' && f.member.kind === 'measure') return [f.member];
  return [];
}

/** Explicit order, else Cube's default: first time dimension ascending, else first measure descending, else first dimension. */
function resolveOrder(
  query: CubeQuery,
  measures: readonly LogicalMeasure[],
  dimensions: readonly LogicalDimension[],
  aliases: ReadonlyMap<string, unknown>,
): LogicalQuery['order'] {
  if (query.order !== undefined) {
    const pairs = Array.isArray(query.order) ? query.order : Object.entries(query.order);
    return pairs.map(([member, direction]) => {
      const td = dimensions.find((d) => d.granularity && d.dimension.fullName === member);
      const alias = aliases.has(member) ? member : td?.alias;
      if (!alias) {
        throw new AppError(
          'INVALID_QUERY',
          `order: ${member} is not among the query's measures and dimensions`,
          { member },
        );
      }
      return { alias, direction };
    });
  }
  const time = dimensions.find((d) => d.granularity);
  if (time) return [{ alias: time.alias, direction: 'asc' }];
  if (measures[0]) return [{ alias: measures[0].alias, direction: 'desc' }];
  if (dimensions[0]) return [{ alias: dimensions[0].alias, direction: 'asc' }];
  return [];
}

function resolveRollup(query: CubeQuery, dimensions: readonly LogicalDimension[]): string[] {
  if (!query.rollup) return [];
  if (query.rollup === true) return dimensions.map((d) => d.alias);
  for (const r of query.rollup) {
    if (!dimensions.some((d) => d.alias === r)) {
      throw new AppError('INVALID_QUERY', `rollup: ${r} is not among the query's dimensions`, { member: r });
    }
  }
  const named = new Set(query.rollup);
  return dimensions.filter((d) => named.has(d.alias)).map((d) => d.alias);
}
