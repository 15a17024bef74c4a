import type { Session } from '../../engine';
import { raw, sql } from '../../sql';
import type { SourceDefinition } from '../job/schema';
import { expandJsonObjects } from './json-objects';
import {
  createEmptyMalformed,
  describeRelation,
  MALFORMED,
  type RowSource,
  type SourceReader,
} from './staged-source';

/**
 * JSON Lines (and .jsonl.gz). Each physical line is staged as text first, so line numbers are
 * exact and a line that is not a JSON object becomes a malformed record instead of failing
 * the read. The columns are the union of the objects' keys; every value arrives as text (a
 * nested value as its JSON), and the contract casts it. A mapped key that no object has is a
 * column of NULLs: JSON objects leave out what they do not know.
 */
export const jsonlReader: SourceReader = {
  async prepare(
    session: Session,
    _source: SourceDefinition,
    path: string,
    mapped: readonly string[],
  ): Promise<RowSource> {
    await session.exec(sql`
      CREATE OR REPLACE TEMP TABLE __raw_lines AS
      SELECT line FROM read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '',
                                escape = '', auto_detect = false)`);
    await session.exec(`
      CREATE OR REPLACE TEMP TABLE __lines AS
      SELECT rowid + 1 AS line_no, line,
             CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END AS ok
      FROM __raw_lines WHERE line IS NOT NULL AND trim(line) <> ''`);
    await expandJsonObjects(session, mapped, '__src');
    const relation = raw('__src');
    return {
      relation,
      columns: await describeRelation(session, relation),
      lineColumn: true,
      firstLine: 1,
      position: 'line',
      async collectMalformed(s: Session) {
        await createEmptyMalformed(s);
        await s.exec(`
          INSERT INTO ${MALFORMED}
          SELECT line_no, to_json({'_line': line}),
                 CASE WHEN json_valid(line) THEN 'the line is JSON but not an object' ELSE 'the line is not valid JSON' END
          FROM __lines WHERE NOT ok`);
      },
    };
  },
};
