import pg from 'pg';
import { postgresEndpoint } from '../connections/endpoint';
import { findConnection, resolveSetting } from '../connections/load';
import {
  CLIENT_TIMEOUT_MARGIN_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from '../connections/schema';
import type { PostgresSource } from '../job/schema';
import { duckTypeOfPostgres } from './db-types';
import type { RemoteExtract } from './extract-context';
import type { ExtractWindow } from './extract-window';

const DEFAULT_BATCH = 10_000;

function quoteTable(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.replaceAll('"', '""')}"`)
    .join('.');
}

export function postgresQuery(
  source: PostgresSource,
  window?: ExtractWindow,
): { text: string; values: string[] } {
  const base = source.table ? `SELECT * FROM ${quoteTable(source.table)}` : source.query!;
  if (!window) return { text: base, values: [] };
  return {
    text: `SELECT * FROM (${base}) AS __extract WHERE "${window.column.replaceAll('"', '""')}" >= $1`,
    values: [window.from],
  };
}

/**
 * Extracts with a server-side cursor inside a read-only REPEATABLE READ transaction: one
 * consistent snapshot, fetched `batch_size` rows at a time, so memory holds one batch. Values
 * stay in PostgreSQL's text form (no JS Date or float in between).
 */
export const postgresExtract: RemoteExtract<PostgresSource> = async (
  source,
  { root, window, stager, label },
) => {
  const c = findConnection(root, source.connection, 'postgres');
  const d = c.definition;
  const get = (key: string, v: string | undefined) => resolveSetting(c, key, v);
  const schema = get('schema', d.schema);
  const statementMs = d.statement_timeout_ms ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const client = new pg.Client({
    ...postgresEndpoint(c),
    application_name: label.slice(0, 63),
    types: { getTypeParser: () => (value: string) => value },
    connectionTimeoutMillis: d.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: statementMs,
    // A server that stopped answering (no reset ever arrives) is given up on the client side.
    query_timeout: statementMs + CLIENT_TIMEOUT_MARGIN_MS,
    keepAlive: true,
  });
  // A dropped connection emits 'error' outside any query; the failing query reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3",
    );
    // The schema is one name, bound and quoted by the server: whatever it holds (a space, a
    // comma, a quote), it cannot add settings or schemas.
    if (schema !== undefined) {
      await client.query("SELECT set_config('search_path', quote_ident($1), false)", [schema]);
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // now() is the transaction's start, before its snapshot (taken by this first statement). A
    // writing transaction still open may commit rows stamped with its own start time later:
    // the oldest such start caps the watermark too (visible to superusers and pg_read_all_stats;
    // otherwise the overlap covers it).
    const snapshot = await client.query<{ at: string }>(
      `SELECT to_char(least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                    WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
                                      AND datname = current_database()
                                      AND backend_type = 'client backend'))
                      AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at`,
    );
    const q = postgresQuery(source, window);
    // The extended protocol takes exactly one statement: a query such as `SELECT 1; COMMIT;
    // CREATE …` cannot leave the read-only transaction. node-pg would use the simple
    // (multi-statement) protocol for a query without parameters; `queryMode` is missing from
    // @types/pg, hence the cast.
    await client.query({
      text: `DECLARE __rapport_extract NO SCROLL CURSOR FOR ${q.text}`,
      values: q.values,
      queryMode: 'extended',
    } as pg.QueryConfig);
    const batchSize = source.batch_size ?? DEFAULT_BATCH;
    const fetch = `FETCH FORWARD ${batchSize} FROM __rapport_extract`;
    const next = () => client.query<(string | null)[]>({ text: fetch, rowMode: 'array' });
    let r = await next();
    await stager.begin(
      r.fields.map((f) => ({ name: f.name, type: duckTypeOfPostgres(f.dataTypeID, f.dataTypeModifier) })),
    );
    // One batch in memory: the next is fetched once this one is in DuckDB.
    for (;;) {
      await stager.append(r.rows);
      if (r.rows.length < batchSize) break;
      r = await next();
    }
    await client.query('COMMIT');
    return { snapshotAt: snapshot.rows[0]?.at };
  } finally {
    await client.end().catch(() => undefined);
  }
};
