import type { Session } from '../../engine';
import { sql } from '../../sql';
import type { SourceDefinition } from '../job/schema';
import { mentions } from './file-stream';
import {
  createEmptyMalformed,
  describeRelation,
  type ReaderContext,
  type RowSource,
  type SourceReader,
} from './staged-source';

/**
 * Parquet keeps its column types; row numbers are 1-based positions in the file. A file that is
 * not parquet, is cut short or has a damaged page fails the run naming the file (DuckDB checks
 * the footer when the file is opened and each page as it decodes it).
 */
export const parquetReader: SourceReader = {
  async prepare(session: Session, _source: SourceDefinition, ctx: ReaderContext): Promise<RowSource> {
    const { path, label } = ctx;
    const relation = sql`(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line
                          FROM read_parquet(${path}, file_row_number = true))`;
    let columns: { name: string; type: string }[];
    try {
      columns = await describeRelation(session, relation);
    } catch (e) {
      throw ctx.fail(
        `${label} is not a readable parquet file: it is not parquet, or it is truncated or damaged (its footer cannot be read)`,
        e,
      );
    }
    return {
      relation,
      columns,
      lineColumn: true,
      position: 'row',
      collectMalformed: createEmptyMalformed,
      async explainReadError(e: unknown) {
        if (!mentions(e, path)) return undefined;
        return ctx.fail(`${label} is damaged: a part of the parquet file cannot be read or decoded`, e);
      },
    };
  },
};
