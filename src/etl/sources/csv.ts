import type { Session } from '../../engine';
import { list, type SqlNode, sql } from '../../sql';
import type { CsvOptions, SourceDefinition } from '../job/schema';
import { describeRelation, MALFORMED, type RowSource, type SourceReader } from './staged-source';

/**
 * CSV (and .csv.gz) through DuckDB's reader, every column as text so that a bad value cannot
 * fail the read: casting happens in the typed stage, row by row. Records with the wrong number
 * of fields are skipped by the reader and land in `__malformed` through DuckDB's own rejects
 * tables; the typed stage shifts line numbers past them.
 */
export const csvReader: SourceReader = {
  async prepare(session: Session, source: SourceDefinition, path: string): Promise<RowSource> {
    const o: CsvOptions = source.type === 'csv' ? (source.options ?? {}) : {};
    const header = o.header ?? true;
    const args: SqlNode[] = [
      sql`all_varchar = true`,
      sql`header = ${header}`,
      sql`store_rejects = true`,
      sql`rejects_table = '__csv_rejects'`,
      sql`rejects_scan = '__csv_scans'`,
    ];
    if (o.delimiter !== undefined) args.push(sql`delim = ${o.delimiter}`);
    if (o.quote !== undefined) args.push(sql`quote = ${o.quote}`);
    if (o.escape !== undefined) args.push(sql`escape = ${o.escape}`);
    if (o.skip !== undefined) args.push(sql`skip = ${o.skip}`);
    if (o.encoding !== undefined) {
      args.push(sql`encoding = ${o.encoding.replace('latin1', 'latin-1').replace('utf8', 'utf-8')}`);
    }
    if (o.null_values !== undefined) args.push(sql`nullstr = ${o.null_values}`);
    await session.exec('DROP TABLE IF EXISTS __csv_rejects');
    await session.exec('DROP TABLE IF EXISTS __csv_scans');
    const relation = sql`read_csv(${path}, ${list(args)})`;
    return {
      relation,
      columns: await describeRelation(session, relation),
      lineColumn: false,
      firstLine: (header ? 2 : 1) + (o.skip ?? 0),
      position: 'line',
      async collectMalformed(s: Session) {
        await s.exec(`
          CREATE OR REPLACE TEMP TABLE ${MALFORMED} AS
          SELECT line, to_json({'_line': any_value(csv_line)}) AS raw, string_agg(error_message, '; ') AS message
          FROM __csv_rejects GROUP BY line`);
      },
    };
  },
};
