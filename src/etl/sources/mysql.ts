import type { Connection, FieldPacket, TypeCast } from 'mysql2';
import mysql from 'mysql2';
import { mysqlEndpoint } from '../connections/endpoint';
import { findConnection, resolveSetting } from '../connections/load';
import {
  CLIENT_TIMEOUT_MARGIN_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from '../connections/schema';
import type { MysqlSource } from '../job/schema';
import { duckTypeOfMysql } from './db-types';
import type { RemoteExtract } from './extract-context';
import type { ExtractWindow } from './extract-window';

const DEFAULT_BATCH = 10_000;

function quoteTable(name: string): string {
  return name
    .split('.')
    .map((p) => `\`${p.replaceAll('`', '``')}\``)
    .join('.');
}

export function mysqlQuery(source: MysqlSource, window?: ExtractWindow): { sql: string; values: string[] } {
  const base = source.table ? `SELECT * FROM ${quoteTable(source.table)}` : source.query!;
  if (!window) return { sql: base, values: [] };
  return {
    sql: `SELECT * FROM (${base}) AS __extract WHERE \`${window.column.replaceAll('`', '``')}\` >= ?`,
    values: [window.from],
  };
}

/** Every value as the server's text (BIT as its number); DuckDB casts it once staged. */
const asText: TypeCast = (field) => {
  if (field.type === 'BIT') {
    const b = field.buffer();
    return b === null ? null : String(b.reduce((n, byte) => n * 256 + byte, 0));
  }
  return field.string('utf8');
};

function exec(conn: Connection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => conn.query(sql, (e) => (e ? reject(e) : resolve())));
}

/** MariaDB: `max_statement_time` (seconds); MySQL: `max_execution_time` (ms, SELECTs only). */
async function limitStatements(conn: Connection, ms: number): Promise<void> {
  try {
    await exec(conn, `SET SESSION max_statement_time = ${Number(ms) / 1000}`);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ER_UNKNOWN_SYSTEM_VARIABLE') throw e;
    await exec(conn, `SET SESSION max_execution_time = ${Math.round(Number(ms))}`);
  }
}

/**
 * Streams the rows of one consistent snapshot (`START TRANSACTION WITH CONSISTENT SNAPSHOT`),
 * pausing the connection while each batch is appended to DuckDB: memory holds one batch.
 */
export const mysqlExtract: RemoteExtract<MysqlSource> = async (source, { root, window, stager }) => {
  const c = findConnection(root, source.connection, 'mysql');
  const d = c.definition;
  const get = (key: string, v: string | undefined) => resolveSetting(c, key, v);
  const conn = mysql.createConnection({
    ...mysqlEndpoint(c),
    database: get('database', d.database),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    // One statement per query: a job's query cannot append a write after its SELECT.
    multipleStatements: false,
    connectTimeout: d.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
  });
  const statementMs = d.statement_timeout_ms ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  // A connection killed while a streamed query runs is reported on the connection only (the
  // query then neither errors nor ends), so the stream listens for it too.
  let lost: ((e: Error) => void) | undefined;
  conn.on('error', (e: Error) => lost?.(e));
  try {
    await exec(conn, "SET time_zone = '+00:00'");
    await limitStatements(conn, statementMs);
    await exec(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // Read before the snapshot starts, so that no row the snapshot misses has a key below it
    // unless its transaction was still open (which the overlap covers).
    const snapshotAt = await new Promise<string | undefined>((resolve, reject) =>
      conn.query(
        { sql: "SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS at", typeCast: asText },
        (e, r) => (e ? reject(e) : resolve((r as { at?: string }[])[0]?.at)),
      ),
    );
    await exec(conn, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const q = mysqlQuery(source, window);
    const batchSize = source.batch_size ?? DEFAULT_BATCH;
    await new Promise<void>((resolve, reject) => {
      let batch: (string | null)[][] = [];
      let pending: Promise<void> = Promise.resolve();
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const query = conn.query({
        sql: q.sql,
        values: q.values,
        rowsAsArray: true,
        typeCast: asText,
        // A server that stopped answering (no reset ever arrives) is given up on the client side.
        timeout: statementMs + CLIENT_TIMEOUT_MARGIN_MS,
      });
      query.on('fields', (fields: FieldPacket[]) => {
        const columns = fields.map((f) => ({
          name: f.name,
          type: duckTypeOfMysql({
            columnType: f.columnType ?? 253,
            columnLength: f.columnLength ?? 0,
            decimals: f.decimals ?? 0,
            flags: typeof f.flags === 'number' ? f.flags : 0,
          }),
        }));
        pending = pending.then(() => stager.begin(columns));
      });
      query.on('result', (row: unknown) => {
        batch.push(row as (string | null)[]);
        if (batch.length < batchSize) return;
        const full = batch;
        batch = [];
        conn.pause();
        pending = pending.then(() => stager.append(full));
        pending.then(() => conn.resume(), fail);
      });
      query.on('error', fail);
      lost = fail;
      query.on('end', () => {
        if (failed) return;
        const rest = batch;
        pending.then(() => stager.append(rest)).then(resolve, fail);
      });
    });
    await exec(conn, 'COMMIT');
    return { snapshotAt };
  } finally {
    conn.destroy();
  }
};
