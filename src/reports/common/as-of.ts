import type { Engine } from '../../engine';
import type { SqlNode } from '../../sql';
import { cast, fn, func, ident, raw, sql } from '../../sql';

/**
 * The reference date: as given, else the day after the latest timestamp of the rows analysed
 * (`ts`: a local wall-clock timestamp expression over `rows`). Null when there are no rows.
 */
export async function resolveAsOf(
  engine: Engine,
  given: string | undefined,
  rows: SqlNode,
  ts: string,
): Promise<string | null> {
  if (given !== undefined) return given;
  // max through the dialect (ClickHouse's maxOrNull: NULL over no rows, as DuckDB's max); a date's
  // text is YYYY-MM-DD on both engines.
  const next = fn.dateAdd('day', raw('1'), cast(func('max', [ident(ts)]), 'date'));
  const r = await engine.query(sql`SELECT ${cast(cast(next, 'date'), 'text')} AS d FROM (${rows})`);
  const d = r.rows[0]?.['d'];
  return typeof d === 'string' ? d : null;
}
