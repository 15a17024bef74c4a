import { cubeSubquery } from '../../cube';
import { AppError } from '../../errors';
import { findDimension, findMeasure } from '../../model/lookup';
import type { QueryFilter } from '../../query/schema';
import { cast, func, ident, list, param, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import type { FeatureInput, SegmentsParams, Transform } from './params';

/** A clustering feature: a column of the feature table, transformed then standardised. */
export interface FeatureSpec {
  /** recency_days, frequency, monetary, or the measure's name. */
  readonly name: string;
  /** Its column in the feature table. */
  readonly column: string;
  readonly transform: Transform;
  /** A customer without rows counts 0 (additive measures), or gets the mean (z = 0). */
  readonly missing: 'none' | 'zero' | 'mean';
  /** For measures: the query's customer id dimension and the time dimension cut at as_of. */
  readonly idDimension?: string;
  readonly timeDimension?: string | null;
  /** For measures: one row per customer id, columns customer_id and value. */
  readonly perCustomer?: SqlNode;
}

/** A feature with its statistics over the population: the transform applied, mean and sd of the transformed value. */
export interface FittedFeature extends FeatureSpec {
  readonly applied: 'log1p' | 'none';
  readonly mean: number;
  /** Population sd (1 when the feature is constant, so its z is 0). */
  readonly sd: number;
  /** The raw minimum over the population (null when no customer has a value). */
  readonly min: number | null;
}

const RFM_FEATURES: readonly FeatureSpec[] = ['recency_days', 'frequency', 'monetary'].map((name) => ({
  name,
  column: name,
  transform: 'log1p',
  missing: 'none',
}));

const ADDITIVE = new Set(['count', 'count_distinct', 'count_distinct_approx', 'sum']);

/**
 * The per-customer SQL of a measure through the cube query layer: a query with the measure and
 * the cube's own `customer_id` dimension when it has one (no join, the same id RFM reads from
 * the facts), else `customers.customer_id` (joined through the customer key); rows before as_of
 * (and on or after `from`) by the time dimension, in the report's time zone.
 */
function measureFeature(
  ctx: ReportContext,
  input: FeatureInput,
  index: number,
  params: SegmentsParams,
  asOf: string | null,
): FeatureSpec {
  const spec = typeof input === 'string' ? { measure: input, transform: 'auto' as const } : input;
  const measure = findMeasure(ctx.model, spec.measure, 'features');
  const cube = ctx.model.cubes.get(measure.cube)!;
  const idDimension = cube.dimensions.has('customer_id')
    ? `${cube.name}.customer_id`
    : 'customers.customer_id';
  let timeDimension: string | null = null;
  if (spec.time_dimension === undefined) {
    const first = [...cube.dimensions.values()].find((d) => d.type === 'time');
    timeDimension = first ? first.fullName : null;
  } else if (spec.time_dimension !== null) {
    const d = findDimension(ctx.model, spec.time_dimension, 'features');
    if (d.type !== 'time') {
      throw new AppError('VALIDATION_FAILED', `features: ${spec.time_dimension} is not a time dimension`, {
        member: spec.time_dimension,
      });
    }
    timeDimension = d.fullName;
  }
  const filters: QueryFilter[] = [];
  if (timeDimension !== null && asOf !== null) {
    filters.push({ member: timeDimension, operator: 'beforeDate', values: [asOf] });
    if (params.from !== undefined)
      filters.push({ member: timeDimension, operator: 'afterOrOnDate', values: [params.from] });
  }
  let perCustomerValues: SqlNode;
  try {
    // Every customer's row: no order, no limit.
    perCustomerValues = cubeSubquery(
      ctx,
      {
        measures: [measure.fullName],
        dimensions: [idDimension],
        timeDimensions: [],
        filters,
        segments: [],
        timezone: params.timezone,
      },
      { rows: 'all' },
    );
  } catch (e) {
    if (e instanceof AppError) {
      throw new AppError(e.code, `features: ${measure.fullName} per ${idDimension}: ${e.message}`, e.details);
    }
    throw e;
  }
  const perCustomer = sql`SELECT ${ident(idDimension)} AS customer_id, ${cast(ident(measure.fullName), 'double')} AS value
    FROM (${perCustomerValues}) WHERE ${ident(idDimension)} IS NOT NULL`;
  return {
    name: measure.fullName,
    column: `feature_${index}`,
    transform: spec.transform,
    missing: ADDITIVE.has(measure.type) ? 'zero' : 'mean',
    idDimension,
    timeDimension,
    perCustomer,
  };
}

export function featureSpecs(ctx: ReportContext, params: SegmentsParams, asOf: string | null): FeatureSpec[] {
  const extra = params.features.map((f, i) => measureFeature(ctx, f, i, params, asOf));
  const names = new Set<string>();
  for (const f of extra) {
    if (names.has(f.name)) throw new AppError('VALIDATION_FAILED', `features: ${f.name} is given twice`);
    names.add(f.name);
  }
  return [...RFM_FEATURES, ...extra];
}

/**
 * The feature table: RFM's customers (customer_id, recency_days, frequency, monetary) with
 * every extra measure left-joined by customer id (missing additive measures are 0).
 */
export function featureTable(rfmCustomers: SqlNode, specs: readonly FeatureSpec[]): SqlNode {
  const extra = specs.filter((s) => s.perCustomer !== undefined);
  const columns = extra.map((s, i) => {
    const v = ident(`f${i}`, 'value');
    return sql`${s.missing === 'zero' ? sql`coalesce(${v}, 0)` : v} AS ${ident(s.column)}`;
  });
  const joins = extra.map(
    (s, i) =>
      sql` LEFT JOIN (${s.perCustomer!}) AS ${ident(`f${i}`)} ON ${ident(`f${i}`, 'customer_id')} = r.customer_id`,
  );
  // Aliased: ClickHouse names a qualified column of a join by its qualified name.
  return sql`SELECT r.customer_id AS customer_id, r.recency_days AS recency_days, r.frequency AS frequency,
      r.monetary AS monetary${columns.length > 0 ? sql`, ${list(columns)}` : sql``}
    FROM (SELECT customer_id, recency_days, frequency, monetary FROM (${rfmCustomers})) AS r${list(joins, '')}`;
}

/** DuckDB has no log1p: ln(1 + x) (exact enough for counts, days and money). */
const log1p = (x: SqlNode) => sql`ln(1 + ${cast(x, 'double')})`;

/** The transformed value of a feature (before standardisation). */
export function transformed(f: { column: string }, applied: 'log1p' | 'none'): SqlNode {
  return applied === 'log1p' ? log1p(ident(f.column)) : ident(f.column);
}

/**
 * A sum of values rounded to 9 decimals, exact and so the same in every run and on every engine:
 * a parallel DOUBLE sum's last bits vary with the order the threads finish in, and the means and
 * sds scale the sample the fit runs on (and the sums of squared distances are reported). Each
 * value is rounded by hand, as an integer count of 1e-9 (floor(x·1e9 + ½), a whole double),
 * summed as a DECIMAL(38, 0): a cast of a double to DECIMAL(38, 9) rounds in DuckDB but
 * truncates in ClickHouse. NULL over no values.
 */
export const exactSum = (x: SqlNode) =>
  sql`${cast(func('sum', [cast(sql`floor(${cast(x, 'double')} * 1000000000.0 + 0.5)`, 'decimal(38,0)')]), 'double')} / 1000000000.0`;

/**
 * One pass, one row: the population size and, per feature, its raw minimum and maximum and the
 * exact sums of x and x² (unless the feature is log1p) and of log1p(x) and its square (unless it
 * is none) with their counts, so that the transform's mean and sd follow: one scan of the feature
 * table and one logarithm per value, where a pass for the means and a second for the spread about
 * them took two.
 */
export function statsSql(source: SqlNode, specs: readonly FeatureSpec[]): SqlNode {
  const columns = specs.flatMap((f, i) => {
    const x = ident(f.column);
    const lx = ident(`lx_${i}`);
    const sums = (v: SqlNode, key: string) => [
      sql`count(${v}) AS ${ident(`${key}n_${i}`)}`,
      sql`${exactSum(v)} AS ${ident(`${key}sum_${i}`)}`,
      sql`${exactSum(sql`${v} * ${v}`)} AS ${ident(`${key}sumsq_${i}`)}`,
    ];
    return [
      sql`${cast(func('min', [x]), 'double')} AS ${ident(`min_${i}`)}`,
      sql`${cast(func('max', [x]), 'double')} AS ${ident(`max_${i}`)}`,
      ...(f.transform === 'log1p' ? [] : sums(x, '')),
      ...(f.transform === 'none' ? [] : sums(lx, 'log_')),
    ];
  });
  const logs = specs.flatMap((f, i) => {
    const x = ident(f.column);
    return f.transform === 'none'
      ? []
      : [sql`CASE WHEN ${x} >= 0 THEN ${log1p(x)} END AS ${ident(`lx_${i}`)}`];
  });
  return sql`SELECT count(*) AS customers, ${list(columns)}
    FROM (SELECT *${logs.length > 0 ? sql`, ${list(logs)}` : sql``} FROM ${source})`;
}

const num = (row: Record<string, unknown>, key: string) => {
  const v = row[key];
  return v === null || v === undefined ? null : Number(v);
};

/**
 * Each feature's transform (log1p unless asked otherwise or a value is negative), mean and
 * population sd from the pass's sums: sd² = Σx²/n − mean² (1 when the feature is constant, its
 * minimum its maximum, so its z is 0). The sums are exact, so the subtraction loses only the
 * digits that mean²/sd² takes (two or three for logs of counts and money).
 */
export function fitFeatures(specs: readonly FeatureSpec[], stats: Record<string, unknown>): FittedFeature[] {
  return specs.map((f, i) => {
    const min = num(stats, `min_${i}`);
    const nonNegative = min === null || min >= 0;
    if (f.transform === 'log1p' && !nonNegative) {
      throw new AppError(
        'VALIDATION_FAILED',
        `features: ${f.name} has negative values (down to ${min}); use transform "none"`,
        { feature: f.name, min },
      );
    }
    const applied = f.transform === 'none' || !nonNegative ? 'none' : 'log1p';
    const key = applied === 'log1p' ? 'log_' : '';
    const n = num(stats, `${key}n_${i}`) ?? 0;
    if (n === 0) return { ...f, applied, mean: 0, sd: 1, min };
    const mean = num(stats, `${key}sum_${i}`)! / n;
    const sd = Math.sqrt(Math.max(0, num(stats, `${key}sumsq_${i}`)! / n - mean * mean));
    const constant = min === num(stats, `max_${i}`) || !(sd > 0);
    return { ...f, applied, mean, sd: constant ? 1 : sd, min };
  });
}

/** The standardised features z_0 … z_{d−1}: (transformed − mean) / sd, a missing value 0. */
export function standardised(features: readonly FittedFeature[]): SqlNode {
  return list(
    features.map((f, i) => {
      const z = sql`(${transformed(f, f.applied)} - ${param(f.mean, 'DOUBLE')}) / ${param(f.sd, 'DOUBLE')}`;
      return sql`${f.missing === 'mean' ? sql`coalesce(${z}, 0)` : z} AS ${ident(`z_${i}`)}`;
    }),
  );
}

/** A standardised centroid back in raw units: the inverse transform of mean + z·sd. */
export function rawCentroid(
  features: readonly FittedFeature[],
  centroid: readonly number[],
): Record<string, number> {
  return Object.fromEntries(
    features.map((f, i) => {
      const t = f.mean + centroid[i]! * f.sd;
      return [f.name, f.applied === 'log1p' ? Math.expm1(t) : t];
    }),
  );
}
