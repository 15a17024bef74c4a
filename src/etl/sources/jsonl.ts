import type { Session } from '../../engine';
import { raw, sql } from '../../sql';
import type { SourceDefinition } from '../job/schema';
import { drain, isGzip } from './file-stream';
import { expandJsonObjects } from './json-objects';
import {
  createEmptyMalformed,
  cutRaw,
  describeRelation,
  MALFORMED,
  MAX_FIELD_BYTES,
  MAX_RECORD_BYTES,
  type ReaderContext,
  type RowSource,
  type SourceReader,
} from './staged-source';

/**
 * JSON Lines (and .jsonl.gz). Each physical line is staged as text first, so line numbers are
 * exact and a line that is not a JSON object becomes a malformed record instead of failing
 * the read. The columns are the union of the objects' keys; every value arrives as text (a
 * nested value as its JSON), and the contract casts it. A mapped key that no object has is a
 * column of NULLs: JSON objects leave out what they do not know. A `.gz` file is checked whole
 * (zlib, streamed, alongside DuckDB's read): a truncated or damaged one fails the run.
 */
export const jsonlReader: SourceReader = {
  async prepare(session: Session, _source: SourceDefinition, ctx: ReaderContext): Promise<RowSource> {
    const { path, label } = ctx;
    const verified = isGzip(path) ? drain(path, label) : undefined;
    verified?.catch(() => undefined);
    try {
      await session.exec('DROP TABLE IF EXISTS __jsonl_rejects');
      await session.exec('DROP TABLE IF EXISTS __jsonl_scans');
      await session.exec(sql`
        CREATE OR REPLACE TEMP TABLE __raw_lines AS
        SELECT line FROM read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '',
                                  escape = '', auto_detect = false, max_line_size = ${MAX_RECORD_BYTES},
                                  store_rejects = true, rejects_table = '__jsonl_rejects', rejects_scan = '__jsonl_scans')`);
    } catch (e) {
      // A damaged gzip stream explains a failed read better than the engine does.
      await verified;
      throw e;
    }
    await verified;
    // A line the reader could not take (longer than MAX_RECORD_BYTES, or holding the control
    // character used as its delimiter) is not in __raw_lines: the lines after it shift back.
    const rejected = Number(
      (await session.query('SELECT count(*) AS n FROM __jsonl_rejects')).rows[0]?.['n'] ?? 0,
    );
    const numbered =
      rejected === 0
        ? 'SELECT rowid + 1 AS line_no, line FROM __raw_lines'
        : `SELECT r.rowid + 1 + coalesce(m.shift, 0) AS line_no, r.line
           FROM __raw_lines r ASOF LEFT JOIN (
             SELECT first_row, max(shift) AS shift
             FROM (SELECT line - row_number() OVER (ORDER BY line) AS first_row, row_number() OVER (ORDER BY line) AS shift
                   FROM (SELECT DISTINCT line FROM __jsonl_rejects))
             GROUP BY first_row) m ON r.rowid >= m.first_row`;
    await session.exec(`
      CREATE OR REPLACE TEMP TABLE __lines AS
      SELECT line_no, line,
             CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END AS ok
      FROM (${numbered}) WHERE line IS NOT NULL AND trim(line) <> ''`);
    await expandJsonObjects(session, ctx.mapped, '__src');
    const relation = raw('__src');
    return {
      relation,
      columns: await describeRelation(session, relation),
      lineColumn: true,
      position: 'line',
      maxFieldBytes: MAX_FIELD_BYTES,
      async collectMalformed(s: Session) {
        await createEmptyMalformed(s);
        await s.exec(`
          INSERT INTO ${MALFORMED} (line, raw, message)
          SELECT line_no, to_json({'_line': ${cutRaw('line')}}),
                 CASE WHEN json_valid(line) THEN 'the line is JSON but not an object' ELSE 'the line is not valid JSON' END
          FROM __lines WHERE NOT ok`);
        if (rejected > 0) {
          await s.exec(`
            INSERT INTO ${MALFORMED}
            SELECT line, to_json({'_line': ${cutRaw('any_value(csv_line)')}}),
                   CASE WHEN bool_or(error_type = 'LINE SIZE OVER MAXIMUM')
                        THEN 'the line is longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes, the most a record may hold'
                        ELSE 'the line is not valid JSON' END,
                   CASE WHEN bool_or(error_type = 'LINE SIZE OVER MAXIMUM') THEN 'field_too_long' END,
                   NULL
            FROM __jsonl_rejects GROUP BY line`);
        }
      },
    };
  },
};
