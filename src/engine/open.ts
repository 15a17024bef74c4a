import { isClickHouseUrl } from './clickhouse-connection';
import { ClickHouseEngine } from './clickhouse-engine';
import { DuckDbEngine } from './duckdb-engine';
import type { Engine } from './types';

export interface OpenEngineOptions {
  /** Default per-statement timeout in ms [none]. */
  readonly timeoutMs?: number;
  /** DuckDB only: connections kept for concurrent readers [4]. */
  readonly poolSize?: number;
  /** DuckDB only. */
  readonly readOnly?: boolean;
}

/**
 * Opens the engine a location names: ClickHouse for `http(s)://user:password@host:port/db` or
 * `chdb:DIR` (in-process ClickHouse), otherwise DuckDB on the file path (or `:memory:`).
 */
export function openEngine(location: string, options: OpenEngineOptions = {}): Promise<Engine> {
  if (isClickHouseUrl(location))
    return ClickHouseEngine.open({ url: location, timeoutMs: options.timeoutMs });
  return DuckDbEngine.open({ path: location, ...options });
}
