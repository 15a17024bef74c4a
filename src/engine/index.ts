export { DuckDbEngine, type DuckDbEngineOptions } from './duckdb-engine';
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
