import { ident, list, raw, type SqlNode, sql } from '../sql';
import type { MappedColumn } from './clickhouse-types';
import type { PublishTable } from './tables';

/**
 * How a table is laid out in ClickHouse, chosen for the queries the model asks:
 * - facts sort by (customer_key, time): Customer 360 and per-customer reports read one
 *   customer's rows, dashboards a time range of every customer; monthly partitions on the time
 *   column prune time ranges (a MergeTree's first sort column alone would not);
 * - dimensions sort by the model's primary key (the join key);
 * - a fact on a cluster is sharded by the durable customer id (every SCD2 version of a customer
 *   on one shard, so per-customer aggregates stay on one shard), falling back to the natural key
 *   for rows without a customer (anonymous web events) so they spread too.
 * Sort keys wrap Nullable columns in assumeNotNull: ClickHouse (18.16 included) refuses
 * Nullable columns in a sorting key.
 */
export interface Layout {
  readonly orderBy: readonly SqlNode[];
  readonly partitionBy?: SqlNode;
  readonly shardBy: SqlNode;
}

export function layoutOf(
  table: PublishTable,
  columns: readonly MappedColumn[],
  naturalKey: readonly string[],
): Layout {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const key = (name: string): SqlNode | undefined => {
    const c = byName.get(name);
    if (!c) return undefined;
    return c.nullable ? sql`assumeNotNull(${ident(name)})` : ident(name);
  };
  const present = (names: readonly (string | undefined)[]) =>
    names.map((n) => (n === undefined ? undefined : key(n))).filter((n): n is SqlNode => n !== undefined);
  if (table.kind === 'dimension') {
    const orderBy = present(table.primaryKey.length > 0 ? table.primaryKey : [columns[0]?.name]);
    return { orderBy, shardBy: raw('rand()') };
  }
  const time = table.timeColumn === undefined ? undefined : byName.get(table.timeColumn);
  const orderBy = present(['customer_key', table.timeColumn]);
  const partitionBy = time && !time.nullable ? sql`toYYYYMM(${ident(time.name)})` : undefined;
  return {
    orderBy,
    ...(partitionBy ? { partitionBy } : {}),
    shardBy: shardingKey(byName, naturalKey),
  };
}

function shardingKey(byName: ReadonlyMap<string, MappedColumn>, naturalKey: readonly string[]): SqlNode {
  const customer = byName.get('customer_id');
  const fallback = naturalKey.find((k) => byName.has(k));
  if (!customer) {
    return fallback === undefined ? raw('rand()') : sql`cityHash64(toString(${ident(fallback)}))`;
  }
  if (!customer.nullable) return sql`cityHash64(${ident('customer_id')})`;
  const otherwise = fallback === undefined ? raw("''") : sql`toString(${ident(fallback)})`;
  return sql`cityHash64(ifNull(${ident('customer_id')}, ${otherwise}))`;
}

const columnList = (columns: readonly MappedColumn[]) =>
  list(columns.map((c) => sql`${ident(c.name)} ${raw(c.clickhouseType)}`));

/** `CREATE TABLE db.name (…) ENGINE = MergeTree …` (the sort key `tuple()` when there is none). */
export function createMergeTree(
  database: string,
  name: string,
  columns: readonly MappedColumn[],
  layout: Layout,
): SqlNode {
  const orderBy = layout.orderBy.length > 0 ? sql`(${list(layout.orderBy)})` : raw('tuple()');
  const partition = layout.partitionBy ? sql`\nPARTITION BY ${layout.partitionBy}` : raw('');
  return sql`CREATE TABLE ${ident(database, name)} (${columnList(columns)})
ENGINE = MergeTree${partition}
ORDER BY ${orderBy}`;
}

/** A Distributed table over `local` on every shard of `cluster`, sharded by `layout.shardBy`. */
export function createDistributed(
  database: string,
  name: string,
  local: string,
  cluster: string,
  columns: readonly MappedColumn[],
  layout: Layout,
): SqlNode {
  return sql`CREATE TABLE ${ident(database, name)} (${columnList(columns)})
ENGINE = Distributed(${ident(cluster)}, ${ident(database)}, ${ident(local)}, ${layout.shardBy})`;
}

export function dropTable(database: string, name: string): SqlNode {
  return sql`DROP TABLE IF EXISTS ${ident(database, name)}`;
}

/** Swaps `fresh` in under `name` in one RENAME (18.16 has no EXCHANGE TABLES); the old one becomes `retired`. */
export function swapIn(database: string, name: string, fresh: string, retired: string): SqlNode {
  return sql`RENAME TABLE ${ident(database, name)} TO ${ident(database, retired)}, ${ident(database, fresh)} TO ${ident(database, name)}`;
}

export function renameTable(database: string, from: string, to: string): SqlNode {
  return sql`RENAME TABLE ${ident(database, from)} TO ${ident(database, to)}`;
}
