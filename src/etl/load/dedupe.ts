import { ident, list, raw, sql } from '../../sql';
import { TYPED_ROWS } from '../transform/typed-rows';
import { type LoadContext, scalar } from './context';

export const VALID = '__valid';

/**
 * Keeps one row per natural key among the valid rows: the latest `updated_at`, else the last
 * in source order. For an SCD2 dimension, rows of one customer with different `updated_at` are
 * versions, not duplicates. Returns how many rows were dropped as duplicates.
 */
export async function dedupeValidRows(ctx: LoadContext): Promise<number> {
  const { session, contract } = ctx;
  const hasUpdatedAt = 'updated_at' in contract.fields;
  const key = [...contract.naturalKey];
  if (contract.kind === 'scd2-dimension' && hasUpdatedAt) key.push('updated_at');
  const keyList = list(key.map((k) => ident(k)));
  const validRows = `SELECT * EXCLUDE (__err, __bad, __raw, __skip) FROM ${TYPED_ROWS} WHERE __err IS NULL AND NOT __skip`;
  const valid = await scalar(session, `SELECT count(*) FROM (${validRows})`);
  // Counting distinct keys is cheaper than the window below; most loads have no duplicates.
  const distinct = await scalar(
    session,
    sql`SELECT count(*) FROM (SELECT DISTINCT ${keyList} FROM (${raw(validRows)}))`,
  );
  if (distinct === valid) {
    await session.exec(`CREATE OR REPLACE TEMP VIEW ${VALID} AS ${validRows}`);
    return 0;
  }
  const order = hasUpdatedAt ? sql`updated_at DESC NULLS LAST, __line DESC` : sql`__line DESC`;
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __deduped AS
    ${raw(validRows)}
    QUALIFY row_number() OVER (PARTITION BY ${keyList} ORDER BY ${order}) = 1`);
  await session.exec(`CREATE OR REPLACE TEMP VIEW ${VALID} AS SELECT * FROM __deduped`);
  return valid - distinct;
}
