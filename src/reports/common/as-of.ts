import type { Engine } from '../../engine';
import type { SqlNode } from '../../sql';
import { sql } from '../../sql';

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
  const r = await engine.query(
    sql`SELECT strftime(CAST(max(${{ kind: 'ident', path: [ts] }}) AS DATE) + INTERVAL 1 DAY, '%Y-%m-%d') AS d FROM (${rows})`,
  );
  const d = r.rows[0]?.['d'];
  return typeof d === 'string' ? d : null;
}
