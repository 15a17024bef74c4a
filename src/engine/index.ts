export { isClickHouseUrl } from './clickhouse-connection';
export { ClickHouseEngine, type ClickHouseEngineOptions } from './clickhouse-engine';
export { DuckDbEngine, type DuckDbEngineOptions } from './duckdb-engine';
export { type OpenEngineOptions, openEngine } from './open';
export type {
  AppendValue,
  Engine,
  JsonValue,
  QueryResult,
  ResultColumn,
  Row,
  RunOptions,
  Session,
  Statement,
} from './types';
