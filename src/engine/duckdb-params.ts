import { type DuckDBValue, listValue } from '@duckdb/node-api';
import type { SqlValue } from '../sql';

/** Bound parameters in the form the DuckDB client takes (lists become LIST values). */
export function toDuckDBParams(params: readonly SqlValue[]): DuckDBValue[] {
  return params.map(toDuckDBValue);
}

function toDuckDBValue(v: SqlValue): DuckDBValue {
  if (Array.isArray(v)) return listValue((v as readonly SqlValue[]).map(toDuckDBValue));
  return v as DuckDBValue;
}
