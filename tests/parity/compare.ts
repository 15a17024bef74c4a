// How two engines' answers are compared: the same columns, the same rows (in the same order of
// the ordered columns where the query orders), numbers to 1e-9 relative, timestamps as instants.

/** Relative tolerance of floating-point values (the engines sum in other orders). */
export const RELATIVE = 1e-9;

const TIMESTAMP = /^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d:\d\d(?:\.\d+)?))?$/;

/** The instant a timestamp or date text names, read as UTC (both engines answer without a zone). */
function instant(v: string): number | undefined {
  const m = TIMESTAMP.exec(v);
  if (!m) return undefined;
  return Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}Z`);
}

/** Whether two cell values are equal under the parity rules; numbers given as text count as numbers. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'string' && typeof b === 'string') {
    const [x, y] = [instant(a), instant(b)];
    return x !== undefined && x === y;
  }
  const [x, y] = [numeric(a), numeric(b)];
  if (x === undefined || y === undefined) return JSON.stringify(a) === JSON.stringify(b);
  return Math.abs(x - y) <= RELATIVE * Math.max(Math.abs(x), Math.abs(y));
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** A cell as a sort key: instants and numbers rounded, so both sides sort alike. */
function key(v: unknown): string {
  if (v === null || v === undefined) return '\u0000null';
  if (typeof v === 'string') {
    const t = instant(v);
    return t === undefined ? `s${v}` : `t${t}`;
  }
  const n = numeric(v);
  return n === undefined ? `j${JSON.stringify(v)}` : `n${Number(n.toPrecision(9))}`;
}

type Rows = readonly Record<string, unknown>[];

/**
 * The differences between two results, empty when they agree: the columns, then the rows as
 * multisets (sorted by every column), then, when `ordered` names columns, the sequence of those
 * columns row by row (ties may come in either order; the ordered values must not).
 */
export function differences(duck: Rows, other: Rows, ordered: readonly string[]): string[] {
  const out: string[] = [];
  const columns = (rows: Rows) => Object.keys(rows[0] ?? {}).sort();
  if (duck.length !== other.length) out.push(`rows: DuckDB ${duck.length}, ClickHouse ${other.length}`);
  if (duck.length > 0 && other.length > 0 && columns(duck).join() !== columns(other).join())
    out.push(`columns: DuckDB ${columns(duck).join(', ')}; ClickHouse ${columns(other).join(', ')}`);
  if (out.length > 0) return out;
  const cols = columns(duck);
  const sorted = (rows: Rows) =>
    [...rows].sort((a, b) => {
      for (const c of cols) {
        const [x, y] = [key(a[c]), key(b[c])];
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
  const [d, o] = [sorted(duck), sorted(other)];
  for (let i = 0; i < d.length && out.length < 5; i++) {
    for (const c of cols) {
      if (!sameValue(d[i]![c], o[i]![c]))
        out.push(
          `row ${i} (sorted) ${c}: DuckDB ${JSON.stringify(d[i]![c])}, ClickHouse ${JSON.stringify(o[i]![c])}`,
        );
    }
  }
  for (let i = 0; i < duck.length && out.length < 5; i++) {
    for (const c of ordered) {
      if (!sameValue(duck[i]![c], other[i]![c]))
        out.push(
          `row ${i} order by ${c}: DuckDB ${JSON.stringify(duck[i]![c])}, ClickHouse ${JSON.stringify(other[i]![c])}`,
        );
    }
  }
  return out;
}

/** Paths where two JSON values differ under the parity rules (objects by key, arrays by index). */
export function deepDifferences(a: unknown, b: unknown, path = '$'): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items vs ${b.length}`];
    return a.flatMap((x, i) => deepDifferences(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      deepDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return sameValue(a, b) || (a === undefined && b === undefined)
    ? []
    : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}
