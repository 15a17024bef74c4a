import type { Session } from '../../engine';
import { MALFORMED, type RowSource } from '../sources';
import { TYPED } from './typed-stage';

/** `__typed` with its source line numbers (and derived line numbers where the job asked). */
export const TYPED_ROWS = '__typed_rows';

async function count(session: Session, relation: string): Promise<number> {
  const r = await session.query(`SELECT count(*) AS n FROM ${relation}`);
  return Number(r.rows[0]?.['n'] ?? 0);
}

/**
 * Defines `__typed_rows`. For CSV the line of a typed row is its rowid plus the first data
 * line, shifted past every malformed record before it (found with an ASOF join on the
 * malformed records' positions among all records).
 */
export async function defineTypedRows(
  session: Session,
  source: RowSource,
  deriveLineNo: boolean,
): Promise<void> {
  await source.collectMalformed(session);
  let base = `SELECT * FROM ${TYPED}`;
  if (!source.lineColumn) {
    const first = source.firstLine;
    if ((await count(session, MALFORMED)) === 0) {
      base = `SELECT rowid + ${first} AS __line, * FROM ${TYPED}`;
    } else {
      // Good row k comes after every malformed record whose record index minus its rank is <= k.
      await session.exec(`
        CREATE OR REPLACE TEMP TABLE __line_shift AS
        SELECT line - ${first} - (row_number() OVER (ORDER BY line) - 1) AS first_row,
               row_number() OVER (ORDER BY line) AS shift
        FROM ${MALFORMED}`);
      base = `SELECT t.rowid + ${first} + coalesce(m.shift, 0) AS __line, t.*
              FROM ${TYPED} t ASOF LEFT JOIN __line_shift m ON t.rowid >= m.first_row`;
    }
  }
  if (deriveLineNo) {
    // Order lines without a line number are numbered in source order within their order.
    await session.exec(`
      CREATE OR REPLACE TEMP TABLE __numbered AS
      SELECT * REPLACE (CAST(row_number() OVER (PARTITION BY order_id ORDER BY __line) AS BIGINT) AS line_no)
      FROM (${base})`);
    base = 'SELECT * FROM __numbered';
  }
  await session.exec(`CREATE OR REPLACE TEMP VIEW ${TYPED_ROWS} AS ${base}`);
}
