import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../engine';
import { ident, list, raw, type SqlNode, sql } from '../sql';
import type { MappedColumn } from './clickhouse-types';

/** DuckDB starts a new file after about this many bytes: each file is one insert into ClickHouse. */
export const CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * Writes the rows of `table` that pass `where` into `dir` as CSV (a header line, `\N` for NULL:
 * what ClickHouse's CSVWithNames reads, 18.16 included), split into files of about CHUNK_BYTES.
 * DuckDB writes the bytes itself: no row becomes a JavaScript object. CSV rather than Parquet
 * for chdb too: on the demo's web events DuckDB writes CSV three times as fast as Parquet, and
 * chdb's read of either takes about as long (docs/publish.md).
 */
export async function exportRows(
  session: Session,
  table: string,
  columns: readonly MappedColumn[],
  where: SqlNode | undefined,
  dir: string,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const select = sql`SELECT ${list(columns.map(exportExpr))} FROM ${ident(table)}${where ? sql` WHERE ${where}` : raw('')}`;
  const options = raw(
    `FORMAT csv, HEADER, NULLSTR '\\N', FILE_SIZE_BYTES ${CHUNK_BYTES}, OVERWRITE_OR_IGNORE`,
  );
  // COPY's target cannot be a bound parameter; `dir` is a directory publish made with mkdtemp.
  await session.exec(sql`COPY (${select}) TO ${raw(duckString(dir))} (${options})`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort((a, b) => fileIndex(a) - fileIndex(b))
    .map((f) => join(dir, f));
}

const fileIndex = (name: string) => Number(/(\d+)\.\w+$/.exec(name)?.[1] ?? 0);

const duckString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The value as ClickHouse's column type reads it (see ExportRule). */
function exportExpr(column: MappedColumn): SqlNode {
  const c = ident(column.name);
  const rule = column.export;
  switch (rule.kind) {
    case 'as-is':
      return c;
    case 'integer':
      return sql`CAST(${c} AS UTINYINT) AS ${c}`;
    case 'text':
      return sql`CAST(${c} AS VARCHAR) AS ${c}`;
    case 'clamp': {
      const type = column.duckType.toUpperCase() === 'DATE' ? 'DATE' : 'TIMESTAMP';
      // The bounds are constants of clickhouse-types.ts, not values from outside.
      const min = raw(`CAST('${rule.min}' AS ${type})`);
      const max = raw(`CAST('${rule.max}' AS ${type})`);
      const clamped = sql`CASE WHEN ${c} < ${min} THEN ${min} WHEN ${c} > ${max} THEN ${max} ELSE ${c} END`;
      return rule.seconds ? sql`strftime(${clamped}, '%Y-%m-%d %H:%M:%S') AS ${c}` : sql`${clamped} AS ${c}`;
    }
  }
}
