import { ident, list, raw, type SqlNode, sql } from '../../sql';
import { type LoadContext, type MergeCounts, scalar } from './context';
import { VALID } from './dedupe';
import { RESOLVED } from './dimensions';

/** The fact's columns and the SQL over `__resolved` that fills each. */
function factColumns(ctx: LoadContext): { column: string; expr: SqlNode }[] {
  const c = ctx.contract;
  const notStored = new Set(c.notStored ?? []);
  const cols: { column: string; expr: SqlNode }[] = [];
  for (const f of Object.keys(c.fields)) if (!notStored.has(f)) cols.push({ column: f, expr: ident(f) });
  for (const ref of c.references ?? []) {
    if (!cols.some((x) => x.column === ref.keyColumn))
      cols.push({ column: ref.keyColumn, expr: ident(ref.keyColumn) });
  }
  if (c.dateField) {
    const d = ident(c.dateField);
    cols.push({
      column: 'date_key',
      expr: sql`CAST(year(${d}) * 10000 + month(${d}) * 100 + day(${d}) AS INTEGER)`,
    });
  }
  for (const [column, expr] of Object.entries(c.computed ?? {})) cols.push({ column, expr: raw(expr) });
  cols.push({ column: 'row_hash', expr: sql`__hash` }, { column: 'run_id', expr: sql`${ctx.runId}` });
  return cols;
}

/**
 * Merges `__resolved` into the contract's fact table by natural key: new keys are inserted,
 * rows whose contract values changed are replaced, identical rows are left alone. Where the
 * contract has `updated_at`, a warehouse row newer than the incoming one wins.
 */
export async function mergeFact(ctx: LoadContext): Promise<MergeCounts> {
  const { session, contract } = ctx;
  const table = ident(contract.table);
  const cols = factColumns(ctx);
  const insertAll = (where: SqlNode) =>
    session.exec(sql`
      INSERT INTO ${table} (${list(cols.map((c) => ident(c.column)))})
      SELECT ${list(cols.map((c) => c.expr))} FROM ${raw(RESOLVED)} ${where}`);
  const incoming = await scalar(session, `SELECT count(*) FROM ${VALID}`);
  const existing = await scalar(session, sql`SELECT count(*) FROM ${table}`);
  if (existing === 0) {
    await insertAll(sql``);
    return { inserted: incoming, updated: 0, unchanged: 0 };
  }
  const nk = contract.naturalKey.map((k) => sql`f.${ident(k)} = r.${ident(k)}`);
  const hasUpdatedAt = 'updated_at' in contract.fields;
  const superseded = hasUpdatedAt
    ? sql`WHEN f.updated_at IS NOT NULL AND r.updated_at IS NOT NULL AND r.updated_at < f.updated_at THEN 'unchanged'`
    : sql``;
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __cmp AS
    SELECT r.__line, ${list(contract.naturalKey.map((k) => sql`r.${ident(k)}`))},
           CASE WHEN f.row_hash IS NULL THEN 'insert'
                WHEN f.row_hash = r.__hash THEN 'unchanged'
                ${superseded}
                ELSE 'update' END AS action
    FROM ${raw(RESOLVED)} r LEFT JOIN ${table} f ON ${list(nk, ' AND ')}`);
  const counts = await session.query(`SELECT action, count(*) AS n FROM __cmp GROUP BY action`);
  const by = new Map(counts.rows.map((r) => [String(r['action']), Number(r['n'])]));
  const result = {
    inserted: by.get('insert') ?? 0,
    updated: by.get('update') ?? 0,
    unchanged: by.get('unchanged') ?? 0,
  };
  if (result.updated > 0) {
    const match = contract.naturalKey.map((k) => sql`c.${ident(k)} = f.${ident(k)}`);
    await session.exec(sql`
      DELETE FROM ${table} f
      WHERE EXISTS (SELECT 1 FROM __cmp c WHERE c.action = 'update' AND ${list(match, ' AND ')})`);
  }
  if (result.inserted + result.updated > 0) {
    await insertAll(sql`WHERE __line IN (SELECT __line FROM __cmp WHERE action <> 'unchanged')`);
  }
  return result;
}
