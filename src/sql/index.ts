export type {
  CallNode,
  CastNode,
  ColumnRefNode,
  CountDistinctNode,
  CreateTempTableNode,
  FragmentNode,
  FromItem,
  FuncNode,
  IdentNode,
  JoinClause,
  JsonTextNode,
  ListNode,
  OrderItem,
  ParamNode,
  RawNode,
  SelectColumn,
  SelectNode,
  SqlNode,
  SqlValue,
  TableRef,
  UtcToLocalNode,
} from './ast';
export { isSqlNode } from './ast';
export { baseDialect, type Dialect, type FunctionTable, jsonPath, standardTypeName } from './dialect';
export { clickhouseDialect } from './dialects/clickhouse';
export { duckdbDialect } from './dialects/duckdb';
export {
  and,
  countDistinct,
  func,
  ident,
  join,
  jsonText,
  list,
  or,
  param,
  paren,
  raw,
  type SqlInterpolation,
  select,
  sql,
  textMatch,
  timeBucket,
} from './factories';
export { FUNCTION_NAMES, type FunctionName, TIME_UNITS, type TimeUnit } from './function-names';
export { cast, columnRef, fn, utcToLocal } from './functions';
export { type RenderedSql, render } from './render';
export { inferLogicalType, type LogicalType, parseLogicalType } from './types';
