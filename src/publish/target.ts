import { createReadStream } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseConnection, connectClickHouse } from '../engine/clickhouse-connection';
import { AppError } from '../errors';
import { clickhouseDialect, ident, render, type SqlNode } from '../sql';
import { type Capabilities, capabilitiesOf } from './clickhouse-types';

// The one file that knows how publish talks to ClickHouse: `@clickhouse/client` over HTTP, or the
// same client over chdb's in-process connection. Everything else in src/publish sees a
// ClickHouseTarget and SQL ASTs.

/** A ClickHouse server (or one shard of a cluster) that tables are published into. */
export interface ClickHouseTarget {
  /** The address without its password: what the publish state and messages name. */
  readonly label: string;
  readonly database: string;
  readonly version: string;
  readonly caps: Capabilities;
  /** In-process chdb reads the exported files from disk itself; a server gets their bytes streamed. */
  readonly local: boolean;
  command(statement: SqlNode): Promise<void>;
  rows(statement: SqlNode): Promise<Record<string, unknown>[]>;
  /** Loads an exported CSV file (a header line, `\\N` for NULL) into `table`'s `columns`. */
  insertFile(table: string, columns: readonly { name: string; type: string }[], file: string): Promise<void>;
  close(): Promise<void>;
}

// No statement of publish carries a value (identifiers and type names only), so the text
// runs on 18.16 too, which binds no query parameters.
const DIALECT = clickhouseDialect;

function text(statement: SqlNode): { query: string; query_params: Record<string, unknown> } {
  const r = render(statement, DIALECT);
  return { query: r.text, query_params: Object.fromEntries(r.params.map((v, i) => [`p${i + 1}`, v])) };
}

/** Parses `http(s)://user:pass@host:port/db` or `chdb:DIR`. */
export function parseTargetUrl(
  url: string,
):
  | { kind: 'chdb'; dir: string; database: string }
  | { kind: 'http'; origin: string; username: string; password: string; database: string } {
  if (url.startsWith('chdb:')) {
    const dir = url.slice('chdb:'.length);
    if (dir === '') throw new AppError('VALIDATION_FAILED', '--to chdb:DIR needs a directory');
    return { kind: 'chdb', dir, database: 'default' };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badUrl(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'default';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new AppError('VALIDATION_FAILED', `--to: "${database}" is not a database name`);
  return {
    kind: 'http',
    origin: `${u.protocol}//${u.host}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
  };
}

function badUrl(url: string): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `--to must be http(s)://user:password@host:port/database or chdb:DIR, got ${redact(url)}`,
  );
}

/** The URL with its password replaced, for messages and the publish state. */
export function redact(url: string): string {
  return url.replace(/^(https?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

export interface TargetOptions {
  /**
   * Streams each file's bytes as an insert even into chdb, as a server over HTTP receives them
   * (chdb reads the file itself otherwise): tests use it to run that path against a current
   * ClickHouse, the only server here being 18.16.
   */
  readonly streamInserts?: boolean;
}

/** Connects to the target and creates its database if it is missing. */
export async function openTarget(url: string, options: TargetOptions = {}): Promise<ClickHouseTarget> {
  const parsed = parseTargetUrl(url);
  // The connection is the engine's (chdb binds one directory per process, shared by every
  // engine on it). Over HTTP it is opened without a database: the database may not exist yet,
  // and every statement here names it.
  let location = url;
  if (parsed.kind === 'http') {
    const u = new URL(url);
    u.pathname = '/';
    location = u.href;
  }
  const connection = await connectClickHouse(location);
  const readsFiles = parsed.kind === 'chdb' && options.streamInserts !== true;
  const target = new ClientTarget(connection, redact(url), parsed.database, readsFiles);
  try {
    await target.connect();
  } catch (e) {
    await connection.close();
    throw e;
  }
  return target;
}

class ClientTarget implements ClickHouseTarget {
  version = '';
  caps: Capabilities = capabilitiesOf('0');
  private settings = new Set<string>();
  private readonly client: ClickHouseClient;

  constructor(
    private readonly connection: ClickHouseConnection,
    readonly label: string,
    readonly database: string,
    readonly local: boolean,
  ) {
    this.client = connection.client;
  }

  async connect(): Promise<void> {
    const [v] = await this.rowsOf({ query: 'SELECT version() AS v', query_params: {} });
    this.version = String(v?.['v'] ?? '0');
    this.caps = capabilitiesOf(this.version);
    const known = await this.rowsOf({
      query:
        "SELECT name FROM system.settings WHERE name IN ('insert_distributed_sync', 'max_partitions_per_insert_block')",
      query_params: {},
    });
    this.settings = new Set(known.map((r) => String(r['name'])));
    if (this.database !== 'default') {
      await this.run(() =>
        this.client.command({
          query: `CREATE DATABASE IF NOT EXISTS ${render(ident(this.database), DIALECT).text}`,
        }),
      );
    }
  }

  command(statement: SqlNode): Promise<void> {
    const t = text(statement);
    return this.run(async () => {
      await this.client.command({ ...t, clickhouse_settings: this.insertSettings() });
    });
  }

  rows(statement: SqlNode): Promise<Record<string, unknown>[]> {
    return this.rowsOf(text(statement));
  }

  async insertFile(
    table: string,
    columns: readonly { name: string; type: string }[],
    file: string,
  ): Promise<void> {
    const into = render(ident(this.database, table), DIALECT).text;
    const cols = columns.map((c) => render(ident(c.name), DIALECT).text);
    if (this.local) {
      // chdb reads the file itself, typed by the table's own column types (no inference: an id
      // such as 00123 stays text). The path is one publish made in its own temp directory, and
      // a table function's arguments cannot be bound parameters.
      const literal = (v: string) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
      const structure = columns.map((c, i) => `${cols[i]} ${c.type}`).join(', ');
      await this.run(() =>
        this.client.command({
          query: `INSERT INTO ${into} (${cols.join(', ')}) SELECT * FROM file(${literal(file)}, CSVWithNames, ${literal(structure)})`,
          clickhouse_settings: this.insertSettings(),
        }),
      );
      return;
    }
    await this.run(() =>
      this.client.insert({
        table: into,
        columns: cols as [string, ...string[]],
        values: createReadStream(file),
        format: 'CSVWithNames',
        clickhouse_settings: this.insertSettings(),
      }),
    );
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * Inserts into a Distributed table return once every shard has its rows (so counts read back
   * at once), and a fact spanning more than 100 months may be inserted in one block.
   */
  private insertSettings(): Record<string, string | number> {
    const s: Record<string, string | number> = {};
    if (this.settings.has('insert_distributed_sync')) s['insert_distributed_sync'] = 1;
    if (this.settings.has('max_partitions_per_insert_block')) s['max_partitions_per_insert_block'] = 0;
    return s;
  }

  private async rowsOf(t: { query: string; query_params: Record<string, unknown> }) {
    return this.run(async () => {
      const result = await this.client.query({ ...t, format: 'JSONEachRow' });
      return (await result.json()) as Record<string, unknown>[];
    });
  }

  /**
   * Engine text stays in `cause` (shown with DEBUG=1); the user reads which target failed and
   * ClickHouse's error code and name, or that it could not be reached.
   */
  private async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await this.connection.run(body);
    } catch (e) {
      if (e instanceof AppError) throw e;
      const { code, type } = e as { code?: string; type?: string };
      const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH'].includes(code ?? '');
      const message = unreachable
        ? `cannot reach ClickHouse at ${this.label} (${code})`
        : `ClickHouse at ${this.label} refused a statement${code ? ` (code ${code}${type ? `, ${type}` : ''})` : ''}`;
      throw new AppError('ENGINE_FAILED', message, { target: this.label, code, type }, { cause: e });
    }
  }
}
