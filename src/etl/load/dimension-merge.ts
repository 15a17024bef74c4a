import { ident, list, raw, sql } from '../../sql';
import { type LoadContext, type MergeCounts, scalar } from './context';
import { DIMENSION_TABLES, RESOLVED } from './dimensions';

const BY_TABLE = new Map(Object.values(DIMENSION_TABLES).map((d) => [d.table, d]));

/**
 * Type-1 merge of a dimension contract (products, campaigns, employees) by natural key: new
 * members are inserted, a placeholder created by an earlier fact load is filled in place (and
 * counts as inserted), changed members are overwritten, and a warehouse row with a newer
 * `updated_at` than the incoming one is kept.
 */
export async function mergeDimension(ctx: LoadContext): Promise<MergeCounts> {
  const { session, contract, runId } = ctx;
  const dim = BY_TABLE.get(contract.table);
  if (!dim) throw new Error(`no dimension table ${contract.table}`);
  const table = ident(dim.table);
  const key = ident(dim.key);
  const id = ident(dim.id);
  const fields = Object.keys(contract.fields);
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __cmp AS
    SELECT r.*, d.${key} AS __key,
           CASE WHEN d.${key} IS NULL THEN 'insert'
                WHEN d.is_placeholder THEN 'fill'
                WHEN d.row_hash = r.__hash THEN 'unchanged'
                WHEN d.updated_at IS NOT NULL AND r.updated_at IS NOT NULL AND r.updated_at < d.updated_at THEN 'unchanged'
                ELSE 'update' END AS __action
    FROM ${raw(RESOLVED)} r LEFT JOIN ${table} d ON d.${id} = r.${id}`);
  const counts = await session.query(`SELECT __action AS a, count(*) AS n FROM __cmp GROUP BY __action`);
  const by = new Map(counts.rows.map((r) => [String(r['a']), Number(r['n'])]));
  const setList = fields.map((f) => sql`${ident(f)} = c.${ident(f)}`);
  if ((by.get('fill') ?? 0) + (by.get('update') ?? 0) > 0) {
    await session.exec(sql`
      UPDATE ${table} SET ${list(setList)}, is_placeholder = false, row_hash = c.__hash, run_id = ${runId}
      FROM __cmp c WHERE ${table}.${key} = c.__key AND c.__action IN ('fill', 'update')`);
  }
  if ((by.get('insert') ?? 0) > 0) {
    const next = await scalar(session, sql`SELECT coalesce(max(${key}), 0) FROM ${table}`);
    await session.exec(sql`
      INSERT INTO ${table} (${key}, ${list(fields.map((f) => ident(f)))}, is_placeholder, row_hash, run_id)
      SELECT ${next} + row_number() OVER (ORDER BY ${id}), ${list(fields.map((f) => ident(f)))}, false, __hash, ${runId}
      FROM __cmp WHERE __action = 'insert'`);
  }
  return {
    inserted: (by.get('insert') ?? 0) + (by.get('fill') ?? 0),
    updated: by.get('update') ?? 0,
    unchanged: by.get('unchanged') ?? 0,
  };
}
