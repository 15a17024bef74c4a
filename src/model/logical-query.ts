import type { Cube, Dimension, Granularity, JoinEdge, Measure, Segment } from './types';

/**
 * The resolved query: what the SQL compiler turns into an AST. Members are model objects,
 * filters are typed, date ranges are absolute, and each group of measures knows its root cube
 * and the joins it needs. No SQL text lives here.
 */

export type FilterValue = string | number | boolean;

export type FilterOperator =
  | 'equals'
  | 'notEquals'
  | 'contains'
  | 'notContains'
  | 'startsWith'
  | 'notStartsWith'
  | 'endsWith'
  | 'notEndsWith'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'set'
  | 'notSet'
  | 'inDateRange'
  | 'notInDateRange'
  | 'beforeDate'
  | 'beforeOrOnDate'
  | 'afterDate'
  | 'afterOrOnDate';

export interface LogicalDimension {
  /** The result column: `orders.status`, or `orders.ordered_at.month` for a time dimension. */
  readonly alias: string;
  readonly dimension: Dimension;
  readonly granularity?: Granularity;
}

export interface LogicalMeasure {
  readonly alias: string;
  readonly measure: Measure;
}

export type LogicalFilter =
  | { readonly kind: 'and' | 'or'; readonly children: readonly LogicalFilter[] }
  | {
      readonly kind: 'condition';
      readonly member: Dimension | Measure;
      readonly operator: FilterOperator;
      /** Typed values; for date operators a half-open range [from, toExclusive) of wall-clock times. */
      readonly values: readonly FilterValue[];
    }
  | { readonly kind: 'segment'; readonly segment: Segment }
  /** Cube's `measureFilter`: the rows the measure's own filters let through. */
  | { readonly kind: 'measure_filter'; readonly measure: Measure };

/** Every one of the conditions: none is no filter, one is itself, more are an `and`. */
export function allOf(conditions: readonly LogicalFilter[]): LogicalFilter | undefined {
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { kind: 'and', children: conditions };
}

/**
 * Measures aggregated from one root cube. Measures of a cube on the "one" side of the root's
 * joins would be counted once per root row: `multiplied` ones are aggregated over distinct
 * primary keys of their cube instead.
 */
export interface FactGroup {
  readonly root: Cube;
  /** Edges to join, each after the one that reaches its `from` cube. */
  readonly joins: readonly JoinEdge[];
  readonly measures: readonly LogicalMeasure[];
  readonly multiplied: ReadonlySet<string>;
}

export interface LogicalQuery {
  readonly groups: readonly FactGroup[];
  readonly dimensions: readonly LogicalDimension[];
  /** Conditions on rows (dimensions, segments, date ranges). */
  readonly where?: LogicalFilter;
  /** Conditions on aggregates (measure filters). */
  readonly having?: LogicalFilter;
  readonly order: readonly { readonly alias: string; readonly direction: 'asc' | 'desc' }[];
  /** Rows to return; undefined only for internal counts (`total`). */
  readonly limit?: number;
  readonly offset: number;
  /** Set only when the query asks for a zone other than UTC: timestamps are UTC otherwise. */
  readonly timezone?: string;
  readonly ungrouped: boolean;
  /** The clock `{NOW}` in model SQL reads (the resolver's `now`). */
  readonly now?: Date;
  /** Aliases of the dimensions rolled up into subtotals, outermost first. */
  readonly rollup: readonly string[];
}

/** The rows of a fact a report works on: its root cube, the row conditions and the joins they need. */
export interface Population {
  readonly root: Cube;
  readonly where?: LogicalFilter;
  readonly joins: readonly JoinEdge[];
  /** Set only for a zone other than UTC. */
  readonly timezone?: string;
}
