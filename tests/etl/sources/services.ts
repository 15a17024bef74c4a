import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** The local services the source tests run against (see .ci/run); each test uses its own schema. */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;
export const MY = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

export function suffix(): string {
  return randomBytes(4).toString('hex');
}

export async function pgClient(): Promise<pg.Client> {
  const c = new pg.Client(PG);
  c.on('error', () => undefined);
  await c.connect();
  await c.query("SET TimeZone = 'UTC'");
  return c;
}

export async function myConnection(database?: string): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ ...MY, database, multipleStatements: true });
  await c.query("SET time_zone = '+00:00'");
  return c;
}

/** etl/sources.yml text for tests: a postgres connection on `schema`, a mysql one on `database`. */
export function sourcesYaml(schema: string, database: string, extra = ''): string {
  return `connections:
  crm:
    type: postgres
    host: \${TEST_PGHOST:-127.0.0.1}
    user: postgres
    password: \${TEST_PG_PASSWORD:-}
    database: test
    schema: ${schema}
  shop:
    type: mysql
    host: 127.0.0.1
    user: root
    database: ${database}
${extra}`;
}
