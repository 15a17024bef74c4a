import type { Session } from '../engine';
import { sql } from '../sql';

/** The columns of a warehouse table in order, with DuckDB's type name and nullability. */
export async function duckdbColumns(
  session: Session,
  table: string,
): Promise<{ name: string; type: string; nullable: boolean }[]> {
  const r = await session.query(sql`
    SELECT column_name, data_type, is_nullable FROM duckdb_columns()
    WHERE schema_name = 'main' AND table_name = ${table} ORDER BY column_index`);
  return r.rows.map((row) => ({
    name: String(row['column_name']),
    type: String(row['data_type']),
    nullable: row['is_nullable'] === true,
  }));
}
