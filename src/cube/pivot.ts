import type { JsonValue, Row } from '../engine';
import { AppError } from '../errors';

export interface PivotTable {
  readonly rowDimensions: readonly string[];
  readonly columnDimensions: readonly string[];
  readonly measures: readonly string[];
  readonly columns: { key: string; values: Record<string, JsonValue> }[];
  readonly rows: { values: Record<string, JsonValue>; cells: Record<string, Record<string, JsonValue>> }[];
}

const keyOf = (row: Row, dims: readonly string[]) =>
  dims.map((d) => (row[d] === null ? '∅' : String(row[d]))).join(' / ');

/**
 * Pivots flat result rows: one output row per combination of the row dimensions, one column
 * per combination of the column dimensions, each cell holding every measure. Rows and columns
 * keep the order in which the (ordered) result first shows them.
 */
export function pivot(
  data: readonly Row[],
  spec: { rows: readonly string[]; columns: readonly string[] },
  dimensions: readonly string[],
  measures: readonly string[],
): PivotTable {
  const placed = [...spec.rows, ...spec.columns];
  const missing = dimensions.filter((d) => !placed.includes(d));
  const unknown = placed.filter((d) => !dimensions.includes(d));
  if (missing.length > 0 || unknown.length > 0 || new Set(placed).size !== placed.length) {
    throw new AppError(
      'INVALID_QUERY',
      `pivot must place each of the query's dimensions (${dimensions.join(', ')}) once in rows or columns` +
        (unknown.length > 0 ? `; not in the query: ${unknown.join(', ')}` : '') +
        (missing.length > 0 ? `; not placed: ${missing.join(', ')}` : ''),
    );
  }
  const columns = new Map<string, Record<string, JsonValue>>();
  const rows = new Map<
    string,
    { values: Record<string, JsonValue>; cells: Record<string, Record<string, JsonValue>> }
  >();
  for (const r of data) {
    const ck = keyOf(r, spec.columns);
    if (!columns.has(ck)) columns.set(ck, Object.fromEntries(spec.columns.map((d) => [d, r[d] ?? null])));
    const rk = keyOf(r, spec.rows);
    let out = rows.get(rk);
    if (!out) {
      out = { values: Object.fromEntries(spec.rows.map((d) => [d, r[d] ?? null])), cells: {} };
      rows.set(rk, out);
    }
    out.cells[ck] = Object.fromEntries(measures.map((m) => [m, r[m] ?? null]));
  }
  return {
    rowDimensions: spec.rows,
    columnDimensions: spec.columns,
    measures,
    columns: [...columns].map(([key, values]) => ({ key, values })),
    rows: [...rows.values()],
  };
}
