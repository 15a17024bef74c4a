import type { Session } from '../../engine';
import type { RowSource } from '../sources';
import { TYPED } from './typed-stage';

/** `__typed` with its source line numbers (and derived line numbers where the job asked). */
export const TYPED_ROWS = '__typed_rows';

/**
 * Defines `__typed_rows`: `__typed` with each row's source line. Sources without a `__line`
 * column (CSV) number the rows themselves, after collecting their malformed records.
 */
export async function defineTypedRows(
  session: Session,
  source: RowSource,
  deriveLineNo: boolean,
): Promise<void> {
  await source.collectMalformed(session);
  let base = `SELECT * FROM ${TYPED}`;
  if (!source.lineColumn) {
    if (!source.numberedRows) throw new Error('a source without line numbers must number its rows');
    base = await source.numberedRows(session);
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
