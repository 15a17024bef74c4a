/**
 * The SQL AST. Every node is a plain serialisable object; `render` turns a tree into text plus
 * bound parameters through a dialect. Values never become SQL text: they are `param` nodes.
 */

import type { FunctionName, TimeUnit } from './function-names';
import type { LogicalType, SqlValue } from './types';

export type { SqlValue } from './types';

/** Trusted SQL text: only from source code, `sql/` files or model files (`cubes/`, `etl/`). */
export interface RawNode {
  readonly kind: 'raw';
  readonly text: string;
}

/**
 * A bound value. `type` is a logical type name (`'timestamp'`, `'decimal(18,4)'`, `'text[]'`, or
 * a DuckDB spelling such as `'TIMESTAMP'`); without one, the dialect infers it from the value
 * where its placeholders must carry a type (ClickHouse `{p1:Int64}`).
 */
export interface ParamNode {
  readonly kind: 'param';
  readonly value: SqlValue;
  readonly type?: string;
}

/** A possibly qualified identifier, quoted by the dialect part by part. */
export interface IdentNode {
  readonly kind: 'ident';
  readonly path: readonly string[];
}

/** A sequence of nodes rendered one after another (what the `sql` tag builds). */
export interface FragmentNode {
  readonly kind: 'fragment';
  readonly parts: readonly SqlNode[];
}

/** Nodes rendered with a separator between them, e.g. a select list. */
export interface ListNode {
  readonly kind: 'list';
  readonly items: readonly SqlNode[];
  readonly separator: string;
}

/** A function call; aggregates may be DISTINCT and carry a FILTER condition. */
export interface FuncNode {
  readonly kind: 'func';
  readonly name: string;
  readonly args: readonly SqlNode[];
  readonly distinct?: boolean;
  readonly filter?: SqlNode;
}

/** Truncation of a timestamp to a granularity, in a time zone when one is given. */
export interface TimeBucketNode {
  readonly kind: 'time_bucket';
  readonly granularity: string;
  readonly expr: SqlNode;
  readonly timezone?: string;
}

/** A wall-clock timestamp in `timezone` converted to the warehouse's UTC (a constant side of a filter). */
export interface LocalToUtcNode {
  readonly kind: 'local_to_utc';
  readonly expr: SqlNode;
  readonly timezone: string;
}

/** A case-insensitive text match with no wildcard interpretation of the value. */
export interface TextMatchNode {
  readonly kind: 'text_match';
  readonly mode: 'contains' | 'starts_with' | 'ends_with';
  readonly expr: SqlNode;
  readonly value: SqlNode;
}

/** The text at a key path inside a JSON value (`properties.plan`); NULL where it is absent. */
export interface JsonTextNode {
  readonly kind: 'json_text';
  readonly expr: SqlNode;
  /** Object keys from the outside in; each reaches SQL as part of a bound JSON path. */
  readonly path: readonly string[];
}

/** An entry of the function table (functions.ts), written by the dialect. */
export interface CallNode {
  readonly kind: 'call';
  readonly fn: FunctionName;
  readonly args: readonly SqlNode[];
  /** The unit of date functions. */
  readonly unit?: TimeUnit;
  /** The fraction of quantiles (0..1), written as text: ClickHouse takes it as a constant. */
  readonly fraction?: number;
}

/** `CAST(expr AS …)` to a logical type. */
export interface CastNode {
  readonly kind: 'cast';
  readonly expr: SqlNode;
  readonly type: LogicalType;
}

/** A UTC timestamp seen as wall-clock time in `timezone` (the inverse of LocalToUtcNode). */
export interface UtcToLocalNode {
  readonly kind: 'utc_to_local';
  readonly expr: SqlNode;
  readonly timezone: string;
}

/** The i-th (1-based) output column of the enclosing select; only in its GROUP BY. */
export interface ColumnRefNode {
  readonly kind: 'column_ref';
  readonly index: number;
}

/** `CREATE TEMP TABLE name AS query`, spelled by the dialect (ClickHouse needs an engine). */
export interface CreateTempTableNode {
  readonly kind: 'create_temp_table';
  readonly name: string;
  readonly query: SelectNode | SqlNode;
}

export interface CountDistinctNode {
  readonly kind: 'count_distinct';
  readonly expr: SqlNode;
  readonly approx: boolean;
  readonly filter?: SqlNode;
}

export interface TableRef {
  readonly kind: 'table';
  readonly path: readonly string[];
  readonly alias?: string;
}

export interface SubqueryRef {
  readonly kind: 'subquery';
  readonly query: SelectNode | SqlNode;
  readonly alias: string;
}

export type FromItem = TableRef | SubqueryRef;

export interface JoinClause {
  readonly type: 'left' | 'inner' | 'full' | 'cross';
  readonly item: FromItem;
  readonly on?: SqlNode;
}

export interface OrderItem {
  readonly expr: SqlNode;
  readonly direction: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

export interface SelectColumn {
  readonly expr: SqlNode;
  readonly alias?: string;
}

export interface SelectNode {
  readonly kind: 'select';
  /** Common table expressions; `materialized` asks the engine to compute one once (where it can). */
  readonly with?: readonly {
    readonly name: string;
    readonly query: SelectNode;
    readonly materialized?: boolean;
  }[];
  readonly distinct?: boolean;
  readonly columns: readonly SelectColumn[];
  readonly from?: FromItem;
  readonly joins?: readonly JoinClause[];
  readonly where?: SqlNode;
  /** Plain GROUP BY expressions. */
  readonly groupBy?: readonly SqlNode[];
  /** GROUP BY GROUPING SETS (...): each set a list of expressions. */
  readonly groupingSets?: readonly (readonly SqlNode[])[];
  readonly having?: SqlNode;
  readonly qualify?: SqlNode;
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: SqlNode;
  readonly offset?: SqlNode;
}

export type SqlNode =
  | RawNode
  | ParamNode
  | IdentNode
  | FragmentNode
  | ListNode
  | FuncNode
  | TimeBucketNode
  | LocalToUtcNode
  | TextMatchNode
  | JsonTextNode
  | CountDistinctNode
  | CallNode
  | CastNode
  | UtcToLocalNode
  | ColumnRefNode
  | CreateTempTableNode
  | SelectNode;

const KINDS = new Set([
  'raw',
  'param',
  'ident',
  'fragment',
  'list',
  'func',
  'time_bucket',
  'local_to_utc',
  'text_match',
  'json_text',
  'count_distinct',
  'call',
  'cast',
  'utc_to_local',
  'column_ref',
  'create_temp_table',
  'select',
]);

export function isSqlNode(x: unknown): x is SqlNode {
  return typeof x === 'object' && x !== null && 'kind' in x && KINDS.has((x as { kind: string }).kind);
}
