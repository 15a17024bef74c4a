import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DuckDbEngine } from '../../engine';
import { mysqlEndpoint, postgresEndpoint } from '../../etl/connections/endpoint';
import { findConnection, resolveSetting } from '../../etl/connections/load';
import { resolveJob } from '../../etl/job/load';
import { columnsOf, type FixtureColumn, fixtureBatch, stageFixture } from './read-fixture';
import { COLUMN_TYPES, DEMO_TABLES, type DemoTable } from './tables';

export interface SeedOptions {
  readonly root: string;
  /** Connection names in etl/sources.yml. */
  readonly postgres: string;
  readonly mysql: string;
  /** Only these tables (by table name); all when absent. */
  readonly tables?: readonly string[];
  readonly onTable?: (table: DemoTable, kept: number, dropped: number) => void;
}

export interface SeedResult {
  readonly table: string;
  readonly system: string;
  readonly rows: number;
  readonly dropped: number;
}

const BATCH = 20_000;
const MYSQL_ROWS_PER_INSERT = 2_000;

const pgIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const myIdent = (s: string) => `\`${s.replaceAll('`', '``')}\``;

async function openPostgres(root: string, name: string): Promise<{ client: pg.Client; schema: string }> {
  const c = findConnection(root, name, 'postgres');
  const d = c.definition;
  const get = (k: string, v: string | undefined) => resolveSetting(c, k, v);
  const client = new pg.Client(postgresEndpoint(c));
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  const schema = get('schema', d.schema) ?? 'public';
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${pgIdent(schema)}`);
  return { client, schema };
}

async function openMysql(root: string, name: string): Promise<mysql.Connection> {
  const c = findConnection(root, name, 'mysql');
  const d = c.definition;
  const get = (k: string, v: string | undefined) => resolveSetting(c, k, v);
  const database = get('database', d.database) ?? 'rapport_demo';
  const conn = await mysql.createConnection(mysqlEndpoint(c));
  await conn.query(`CREATE DATABASE IF NOT EXISTS ${myIdent(database)} CHARACTER SET utf8mb4`);
  await conn.query(`USE ${myIdent(database)}`);
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

async function seedPostgres(
  client: pg.Client,
  schema: string,
  table: string,
  columns: readonly FixtureColumn[],
  batches: AsyncIterable<(string | null)[][]>,
) {
  const name = `${pgIdent(schema)}.${pgIdent(table)}`;
  await client.query(`DROP TABLE IF EXISTS ${name}`);
  await client.query(
    `CREATE TABLE ${name} (${columns.map((c) => `${pgIdent(c.name)} ${COLUMN_TYPES[c.kind].postgres}`).join(', ')})`,
  );
  // One array parameter per column: a batch is one statement whatever its size.
  const insert = `INSERT INTO ${name} SELECT * FROM unnest(${columns
    .map((c, i) => `$${i + 1}::${COLUMN_TYPES[c.kind].postgres.replace(/\(.*\)/, '')}[]`)
    .join(', ')})`;
  for await (const rows of batches) {
    await client.query(
      insert,
      columns.map((_, i) => rows.map((r) => r[i] ?? null)),
    );
  }
}

async function seedMysql(
  conn: mysql.Connection,
  table: string,
  columns: readonly FixtureColumn[],
  batches: AsyncIterable<(string | null)[][]>,
) {
  await conn.query(`DROP TABLE IF EXISTS ${myIdent(table)}`);
  await conn.query(
    `CREATE TABLE ${myIdent(table)} (${columns.map((c) => `${myIdent(c.name)} ${COLUMN_TYPES[c.kind].mysql}`).join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  const head = `INSERT INTO ${myIdent(table)} (${columns.map((c) => myIdent(c.name)).join(', ')}) VALUES ?`;
  for await (const rows of batches) {
    for (let i = 0; i < rows.length; i += MYSQL_ROWS_PER_INSERT) {
      await conn.query(head, [rows.slice(i, i + MYSQL_ROWS_PER_INSERT)]);
    }
  }
}

/**
 * Loads the demo company's files into its operational systems: the CRM in PostgreSQL, the web
 * shop in MySQL/MariaDB (connections from etl/sources.yml). Tables are replaced. Rows whose
 * values the typed columns cannot hold are left out and counted.
 */
export async function seedDemoSources(options: SeedOptions): Promise<SeedResult[]> {
  const jobsDir = join(options.root, 'etl', 'jobs');
  const tables = DEMO_TABLES.filter((t) => !options.tables || options.tables.includes(t.table));
  const duck = await DuckDbEngine.open({ path: ':memory:', poolSize: 1 });
  const needPg = tables.some((t) => t.system === 'postgres');
  const needMy = tables.some((t) => t.system === 'mysql');
  const pgc = needPg ? await openPostgres(options.root, options.postgres) : undefined;
  const my = needMy ? await openMysql(options.root, options.mysql) : undefined;
  const results: SeedResult[] = [];
  try {
    for (const t of tables) {
      const job = resolveJob(t.job, jobsDir);
      const columns = columnsOf(job);
      const { kept, dropped } = await stageFixture(duck, job, options.root, columns);
      async function* batches() {
        for (let offset = 0; offset < kept; offset += BATCH)
          yield await fixtureBatch(duck, columns, offset, BATCH);
      }
      if (t.system === 'postgres') await seedPostgres(pgc!.client, pgc!.schema, t.table, columns, batches());
      else await seedMysql(my!, t.table, columns, batches());
      options.onTable?.(t, kept, dropped);
      results.push({ table: t.table, system: t.system, rows: kept, dropped });
    }
  } finally {
    await pgc?.client.end().catch(() => undefined);
    await my?.end().catch(() => undefined);
    await duck.close();
  }
  return results;
}
