export type {
  CountDistinctNode,
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
} from './ast';
export { isSqlNode } from './ast';
export { baseDialect, type Dialect, jsonPath } from './dialect';
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
export { type RenderedSql, render } from './render';
