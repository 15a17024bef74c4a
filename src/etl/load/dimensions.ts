import { ident, list, raw, type SqlNode, sql } from '../../sql';
import type { DimensionRef } from '../contracts';
import { type LoadContext, scalar } from './context';
import { VALID } from './dedupe';

export const RESOLVED = '__resolved';

interface DimensionTable {
  readonly table: string;
  readonly key: string;
  readonly id: string;
  /** Dimensions of real entities get flagged placeholders; code lists just grow. */
  readonly placeholder: boolean;
}

export const DIMENSION_TABLES: Record<Exclude<DimensionRef['dimension'], 'geography'>, DimensionTable> = {
  customer: { table: 'dim_customer', key: 'customer_key', id: 'customer_id', placeholder: true },
  product: { table: 'dim_product', key: 'product_key', id: 'sku', placeholder: true },
  campaign: { table: 'dim_campaign', key: 'campaign_key', id: 'campaign_id', placeholder: true },
  employee: { table: 'dim_employee', key: 'employee_key', id: 'employee_id', placeholder: true },
  channel: { table: 'dim_channel', key: 'channel_key', id: 'channel', placeholder: false },
};

const END_OF_TIME = "TIMESTAMP '9999-12-31'";
const START_OF_TIME = "TIMESTAMP '1900-01-01'";

async function inserted(ctx: LoadContext, statement: SqlNode): Promise<number> {
  return scalar(ctx.session, statement);
}

/** Adds a row for every referenced id the dimension does not know; returns how many. */
async function addMissingMembers(ctx: LoadContext, ref: DimensionRef): Promise<number> {
  const field = ident(ref.field);
  if (ref.dimension === 'geography') {
    return inserted(
      ctx,
      sql`INSERT INTO dim_geography (geography_key, region, country, city)
        SELECT m.k + row_number() OVER (ORDER BY v.country), NULL, v.country, NULL
        FROM (SELECT DISTINCT ${field} AS country FROM ${raw(VALID)} WHERE ${field} IS NOT NULL) v
        CROSS JOIN (SELECT coalesce(max(geography_key), 0) AS k FROM dim_geography) m
        WHERE NOT EXISTS (SELECT 1 FROM dim_geography g
                          WHERE g.country = v.country AND g.region IS NULL AND g.city IS NULL)`,
    );
  }
  const d = DIMENSION_TABLES[ref.dimension];
  const table = ident(d.table);
  const idCol = ident(d.id);
  const keyCol = ident(d.key);
  const named = ref.nameField !== undefined;
  const source = named
    ? sql`SELECT ${field} AS id, arg_max(${ident(ref.nameField!)}, __line) AS name
          FROM ${raw(VALID)} WHERE ${field} IS NOT NULL GROUP BY ${field}`
    : sql`SELECT DISTINCT ${field} AS id FROM ${raw(VALID)} WHERE ${field} IS NOT NULL`;
  const columns: SqlNode[] = [keyCol, idCol];
  const values: SqlNode[] = [sql`m.k + row_number() OVER (ORDER BY v.id)`, sql`v.id`];
  if (named) {
    columns.push(sql`name`);
    values.push(sql`v.name`);
  }
  if (ref.dimension === 'customer') {
    columns.push(sql`valid_from`, sql`valid_to`, sql`is_current`);
    values.push(raw(START_OF_TIME), raw(END_OF_TIME), sql`true`);
  }
  if (d.placeholder) {
    columns.push(sql`is_placeholder`, sql`row_hash`, sql`run_id`);
    values.push(sql`true`, sql`0`, sql`${ctx.runId}`);
  }
  return inserted(
    ctx,
    sql`INSERT INTO ${table} (${list(columns)})
      SELECT ${list(values)}
      FROM (${source}) v
      CROSS JOIN (SELECT coalesce(max(${keyCol}), 0) AS k FROM ${table}) m
      WHERE NOT EXISTS (SELECT 1 FROM ${table} d WHERE d.${idCol} = v.id)`,
  );
}

/**
 * Makes every dimension the contract references know every id in the load (placeholders for
 * unknown customers, products, campaigns and employees), then defines `__resolved`: the valid
 * rows with their surrogate keys and a hash of their contract values. Returns the number of
 * placeholder rows created.
 */
export async function resolveDimensions(ctx: LoadContext): Promise<number> {
  let placeholders = 0;
  const joins: SqlNode[] = [];
  const keys: SqlNode[] = [];
  for (const [i, ref] of (ctx.contract.references ?? []).entries()) {
    const n = await addMissingMembers(ctx, ref);
    if (ref.dimension !== 'channel' && ref.dimension !== 'geography') placeholders += n;
    const alias = ident(`d${i}`);
    const field = sql`v.${ident(ref.field)}`;
    if (ref.dimension === 'geography') {
      joins.push(
        sql`LEFT JOIN dim_geography ${alias} ON ${alias}.country = ${field} AND ${alias}.region IS NULL AND ${alias}.city IS NULL`,
      );
      keys.push(sql`${alias}.geography_key AS ${ident(ref.keyColumn)}`);
      continue;
    }
    const d = DIMENSION_TABLES[ref.dimension];
    const on = ref.asOf
      ? sql`${alias}.${ident(d.id)} = ${field} AND v.${ident(ref.asOf)} >= ${alias}.valid_from AND v.${ident(ref.asOf)} < ${alias}.valid_to`
      : sql`${alias}.${ident(d.id)} = ${field}`;
    joins.push(sql`LEFT JOIN ${ident(d.table)} ${alias} ON ${on}`);
    keys.push(sql`${alias}.${ident(d.key)} AS ${ident(ref.keyColumn)}`);
  }
  const fields = Object.keys(ctx.contract.fields).map((f) => sql`v.${ident(f)}`);
  const select: SqlNode[] = [sql`v.*`, ...keys, sql`hash(${list(fields)}) AS __hash`];
  await ctx.session.exec(sql`
    CREATE OR REPLACE TEMP VIEW ${raw(RESOLVED)} AS
    SELECT ${list(select)} FROM ${raw(VALID)} v ${list(joins, ' ')}`);
  return placeholders;
}
