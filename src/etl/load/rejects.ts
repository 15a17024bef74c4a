import { list, raw, type SqlNode, sql } from '../../sql';
import { MALFORMED } from '../sources';
import { TYPED_ROWS } from '../transform/typed-rows';
import type { CheckEntry } from '../transform/typed-stage';
import { type LoadContext, scalar } from './context';

/**
 * Writes the run's rejected rows to `etl_rejects`: rows that failed a contract check (with the
 * raw source record as JSON and the offending value in the message) and records that could not
 * be read at all. A reject already recorded for the same job, source, line and content is not
 * written again, so a rerun leaves the table as it was. Returns the number of rejected rows.
 */
export async function writeRejects(
  ctx: LoadContext,
  checks: readonly CheckEntry[],
  sourceName: string,
): Promise<number> {
  const { session, runId } = ctx;
  const job = ctx.job.definition.name;
  const failed = await scalar(
    session,
    `SELECT count(*) FROM ${TYPED_ROWS} WHERE __err IS NOT NULL AND NOT __skip`,
  );
  const malformed = await scalar(session, `SELECT count(*) FROM ${MALFORMED}`);
  if (failed + malformed === 0) return 0;
  const parts: SqlNode[] = [];
  if (failed > 0) {
    const catalogue = checks.map((c) => sql`(${c.index}, ${c.reason}, ${c.field}, ${c.message})`);
    parts.push(sql`
      SELECT t.__line AS line, c.reason, c.field,
             c.message || CASE WHEN t.__bad IS NULL THEN ''
                               WHEN strlen(t.__bad) > 200 THEN ': ' || to_json(left(t.__bad, 200) || '…')::VARCHAR
                               ELSE ': ' || to_json(t.__bad)::VARCHAR END AS message,
             t.__raw AS raw
      FROM ${raw(TYPED_ROWS)} t
      JOIN (VALUES ${list(catalogue)}) c(idx, reason, field, message) ON c.idx = t.__err
      WHERE t.__err IS NOT NULL AND NOT t.__skip`);
  }
  if (malformed > 0) {
    parts.push(
      sql`SELECT line, coalesce(reason, 'malformed_record') AS reason, field, message, raw FROM ${raw(MALFORMED)}`,
    );
  }
  await session.exec(sql`
    INSERT INTO etl_rejects
    SELECT ${runId}, ${job}, ${sourceName}, r.line, r.reason, r.field, r.message, r.raw,
           hash(r.raw::VARCHAR, r.reason), CAST(${ctx.now} AS TIMESTAMP)
    FROM (${list(parts, ' UNION ALL ')}) r
    WHERE NOT EXISTS (
      SELECT 1 FROM etl_rejects e
      WHERE e.job = ${job} AND e.source = ${sourceName} AND e.line IS NOT DISTINCT FROM r.line
        AND e.row_hash = hash(r.raw::VARCHAR, r.reason))`);
  return failed + malformed;
}
