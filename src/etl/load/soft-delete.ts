import { AppError } from '../../errors';
import { ident, list, raw, type SqlNode, sql } from '../../sql';
import type { JobDefinition } from '../job/schema';
import { STAGE } from '../sources/batch-stager';
import { TYPED_ROWS } from '../transform/typed-rows';
import { type LoadContext, scalar } from './context';
import { VALID } from './dedupe';

const DELETED_LINES = '__deleted_lines';
const ALL_ROWS = '__typed_all';

type SoftDelete = NonNullable<JobDefinition['soft_delete']>;

/**
 * Finds the staged rows the source flags as deleted and takes them out of `__typed_rows`, so
 * they are neither validated, rejected nor merged. Returns how many there are.
 */
export async function setAsideDeletedRows(ctx: LoadContext, spec: SoftDelete): Promise<number> {
  const { session, job } = ctx;
  const flag: SqlNode = 'column' in spec ? ident(spec.column) : sql`(${raw(spec.expr)})`;
  try {
    await session.exec(sql`
      CREATE OR REPLACE TEMP TABLE ${raw(DELETED_LINES)} AS
      SELECT __line FROM ${raw(STAGE)} WHERE coalesce(CAST(${flag} AS BOOLEAN), false)`);
  } catch (e) {
    const line = job.lineOf(['soft_delete']);
    throw new AppError(
      'SOURCE_INVALID',
      `${job.file}:${line}: soft_delete does not evaluate to a flag over the source: ${(e as Error).message}`,
      { file: job.file, line, field: 'soft_delete' },
    );
  }
  const n = await scalar(session, `SELECT count(*) FROM ${DELETED_LINES}`);
  if (n === 0) return 0;
  await session.exec(`ALTER VIEW ${TYPED_ROWS} RENAME TO ${ALL_ROWS}`);
  await session.exec(
    `CREATE TEMP VIEW ${TYPED_ROWS} AS SELECT * FROM ${ALL_ROWS} WHERE __line NOT IN (SELECT __line FROM ${DELETED_LINES})`,
  );
  return n;
}

/**
 * Removes the fact rows whose natural key a deleted source row carries, unless a live row of
 * the same extract supersedes the deletion (a later `updated_at`, else a later position: the
 * order dedupe keeps the latest row by), so a key deleted and then re-created stays. Returns
 * how many of the deleted rows found a fact row to remove (the others were never loaded, are
 * already gone or were superseded).
 */
export async function applySoftDeletes(ctx: LoadContext): Promise<number> {
  const { session, contract } = ctx;
  const table = ident(contract.table);
  const on = (a: string, b: string) =>
    list(
      contract.naturalKey.map((k) => sql`${raw(a)}.${ident(k)} = ${raw(b)}.${ident(k)}`),
      ' AND ',
    );
  const match = on('f', 'd');
  const later =
    'updated_at' in contract.fields
      ? sql`(l.updated_at > d.updated_at OR (d.updated_at IS NULL AND l.updated_at IS NOT NULL)
            OR (l.updated_at IS NOT DISTINCT FROM d.updated_at AND l.__line > d.__line))`
      : sql`l.__line > d.__line`;
  const deleted = sql`(
    SELECT * FROM ${raw(ALL_ROWS)} d
    WHERE __line IN (SELECT __line FROM ${raw(DELETED_LINES)})
      AND NOT EXISTS (SELECT 1 FROM ${raw(VALID)} l WHERE ${on('l', 'd')} AND ${later}))`;
  const removed = await scalar(
    session,
    sql`SELECT count(*) FROM ${deleted} d WHERE EXISTS (SELECT 1 FROM ${table} f WHERE ${match})`,
  );
  if (removed > 0) {
    await session.exec(sql`DELETE FROM ${table} f WHERE EXISTS (SELECT 1 FROM ${deleted} d WHERE ${match})`);
  }
  return removed;
}
