import type { Session } from '../../engine';
import { sql } from '../../sql';
import type { SourceDefinition } from '../job/schema';
import { createEmptyMalformed, describeRelation, type RowSource, type SourceReader } from './staged-source';

/** Parquet keeps its column types; row numbers are 1-based positions in the file. */
export const parquetReader: SourceReader = {
  async prepare(session: Session, _source: SourceDefinition, path: string): Promise<RowSource> {
    const relation = sql`(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line
                          FROM read_parquet(${path}, file_row_number = true))`;
    return {
      relation,
      columns: await describeRelation(session, relation),
      lineColumn: true,
      firstLine: 1,
      position: 'row',
      collectMalformed: createEmptyMalformed,
    };
  },
};
