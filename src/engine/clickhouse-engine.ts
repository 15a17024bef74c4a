/**
 * An Engine over ClickHouse through the official `@clickhouse/client`: a server over HTTP(S)
 * (`http(s)://user:password@host:port/database`) or chdb, ClickHouse inside this process
 * (`chdb:DIR`); only the connection differs (clickhouse-connection.ts).
 *
 * - `query` reads format JSONCompact (names, types and rows; every version has it) and converts
 *   values as DuckDB's are (clickhouse-values.ts).
 * - `stream` passes ClickHouse's own ArrowStream (uncompressed) or CSVWithNames bytes through.
 * - Bound parameters are ClickHouse's typed `{pN:Type}` placeholders, sent as `query_params`.
 * - Timeouts: `max_execution_time` in the server plus an abort of the request at the limit.
 * - ClickHouse has no transactions: `transaction` runs its body on one session and cannot roll
 *   back what the body did before a failure (see `transaction`).
 */

import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { AppError } from '../errors';
import { clickhouseDialect, type Dialect, isSqlNode, type RenderedSql, render, type SqlValue } from '../sql';
import { type ClickHouseConnection, connectClickHouse } from './clickhouse-connection';
import { asClickHouseError } from './clickhouse-errors';
import { ClickHouseSettingsFor, KNOWN_SETTINGS_SQL } from './clickhouse-settings';
import { rowsFromCompact } from './clickhouse-values';
import type { AppendValue, Engine, QueryResult, RunOptions, Session, Statement } from './types';

export interface ClickHouseEngineOptions {
  /** `http(s)://user:password@host:port/database`, or `chdb:DIR` for in-process ClickHouse. */
  readonly url: string;
  /** Default per-statement timeout in ms [none]. */
  readonly timeoutMs?: number;
  /** The dialect statements given as ASTs are rendered with [ClickHouse's]. */
  readonly dialect?: Dialect;
}

/** What every request sends besides its own text and format. */
interface RequestArgs {
  query: string;
  query_params: Record<string, unknown>;
  clickhouse_settings: ClickHouseSettings;
  session_id?: string;
  abort_signal: AbortSignal;
}

/** Bytes per piece of a stream that chdb hands over whole. */
const PIECE_BYTES = 256 * 1024;

const FORMATS = { arrow: 'ArrowStream', csv: 'CSVWithNames' } as const;

function toRendered(statement: Statement, dialect: Dialect): RenderedSql {
  if (typeof statement === 'string') return { text: statement, params: [] };
  return isSqlNode(statement) ? render(statement, dialect) : statement;
}

/** `{p1: …, p2: …}`: the dialect's placeholders `{pN:Type}` are numbered from 1. */
function queryParams(params: readonly SqlValue[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((value, i) => {
    named[`p${i + 1}`] = value;
  });
  return named;
}

/** The text without trailing semicolons, so that a FORMAT clause can follow it. */
function statementText(text: string): string {
  return text.replace(/[\s;]+$/, '');
}

/** One value of a TabSeparated row (the input format every ClickHouse version reads). */
function tsvField(value: AppendValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'bigint') return value.toString();
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/** What requests share: the connection, the server's settings and the defaults. */
class ClickHouseRequests {
  constructor(
    readonly connection: ClickHouseConnection,
    readonly dialect: Dialect,
    private readonly settings: ClickHouseSettingsFor,
    private readonly defaults: { timeoutMs?: number },
  ) {}

  get client(): ClickHouseClient {
    return this.connection.client;
  }

  /**
   * Sends one request under the time limit: `max_execution_time` in the server and an abort of
   * the request here. Errors leave mapped onto the catalogue.
   */
  async send<T>(
    statement: Statement,
    options: RunOptions,
    sessionId: string | undefined,
    context: { format?: string },
    request: (args: RequestArgs) => Promise<T>,
  ): Promise<T> {
    const rendered = toRendered(statement, this.dialect);
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    const { maxRows } = options;
    let timedOut = false;
    try {
      return await this.connection.run(async () => {
        const controller = new AbortController();
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                controller.abort();
              }, timeoutMs);
        try {
          return await request({
            query: statementText(rendered.text),
            query_params: queryParams(rendered.params),
            clickhouse_settings: this.settings.request(
              { timeoutMs, maxRows },
              { http: !this.connection.inProcess },
            ),
            // chdb is one session already; a server keeps temp tables per session_id.
            ...(sessionId === undefined || this.connection.inProcess ? {} : { session_id: sessionId }),
            abort_signal: controller.signal,
          });
        } finally {
          if (timer) clearTimeout(timer);
        }
      });
    } catch (e) {
      throw asClickHouseError(e, { timedOut, maxRows, format: context.format });
    }
  }

  async query(
    statement: Statement,
    options: RunOptions,
    sessionId: string | undefined,
  ): Promise<QueryResult> {
    const result = await this.send(statement, options, sessionId, {}, async (args) => {
      const response = await this.client.query({ ...args, format: 'JSONCompact' });
      return response.json<unknown[]>();
    });
    const { maxRows } = options;
    // ClickHouse reads max_result_rows = 0 as no limit: a limit of 0 rows is checked here.
    if (maxRows !== undefined && result.data.length > maxRows) {
      throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
    }
    const meta = result.meta ?? [];
    return {
      columns: meta.map((m) => ({ name: m.name, type: m.type })),
      rows: rowsFromCompact(meta, result.data as unknown[][]),
    };
  }

  async exec(statement: Statement, options: RunOptions, sessionId: string | undefined): Promise<void> {
    await this.send(statement, options, sessionId, {}, (args) => this.client.command(args));
  }

  async *stream(
    statement: Statement,
    format: 'arrow' | 'csv',
    options: RunOptions,
    sessionId: string | undefined,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const name = FORMATS[format];
    const result = await this.send(statement, options, sessionId, { format: name }, async (args) => {
      const response = await this.client.exec({ ...args, query: `${args.query}\nFORMAT ${name}` });
      // chdb's connection has the whole result in memory already; a server, with
      // wait_end_of_query, has finished the query before it answers.
      return response;
    });
    const body = result.stream;
    try {
      const rows = Number(result.summary?.result_rows);
      if (Number.isFinite(rows)) {
        if (options.maxRows !== undefined && rows > options.maxRows) {
          const { maxRows } = options;
          throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
        }
        options.onRows?.(rows);
      }
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
          yield bytes.subarray(at, Math.min(at + PIECE_BYTES, bytes.byteLength));
        }
      }
    } catch (e) {
      throw asClickHouseError(e, { format: name });
    } finally {
      body.destroy();
    }
  }

  async appendRows(table: string, rows: readonly (readonly AppendValue[])[], sessionId: string | undefined) {
    if (rows.length === 0) return;
    const text = `${rows.map((row) => row.map(tsvField).join('\t')).join('\n')}\n`;
    // The statement text only names the request; the client writes the INSERT itself.
    await this.send(`append to ${table}`, {}, sessionId, {}, (args) =>
      this.client.insert({
        table: this.dialect.quoteIdentifier(table),
        values: Readable.from([text], { objectMode: false }),
        format: 'TabSeparated',
        clickhouse_settings: args.clickhouse_settings,
        abort_signal: args.abort_signal,
        ...(args.session_id === undefined ? {} : { session_id: args.session_id }),
      }),
    );
  }
}

/**
 * One ClickHouse session: a server's `session_id` (its temporary tables), whose requests go one
 * at a time as the server requires; chdb has one session for the whole process.
 */
class ClickHouseSession implements Session {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly requests: ClickHouseRequests,
    private readonly id: string,
  ) {
    this.dialect = requests.dialect;
  }

  query(statement: Statement, options: RunOptions = {}): Promise<QueryResult> {
    return this.inTurn(() => this.requests.query(statement, options, this.id));
  }

  exec(statement: Statement, options: RunOptions = {}): Promise<void> {
    return this.inTurn(() => this.requests.exec(statement, options, this.id));
  }

  appendRows(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
    return this.inTurn(() => this.requests.appendRows(table, rows, this.id));
  }

  /** A server answers a second concurrent request in one session with "session is locked". */
  private inTurn<T>(request: () => Promise<T>): Promise<T> {
    const result = this.queue.then(request);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export class ClickHouseEngine implements Engine {
  readonly dialect: Dialect;

  private constructor(private readonly requests: ClickHouseRequests) {
    this.dialect = requests.dialect;
  }

  /** Connects and reads which session settings the server knows. */
  static async open(options: ClickHouseEngineOptions): Promise<ClickHouseEngine> {
    const connection = await connectClickHouse(options.url);
    try {
      const known = await connection.run(async () => {
        const response = await connection.client.query({ query: KNOWN_SETTINGS_SQL, format: 'JSONCompact' });
        return (await response.json<unknown[]>()).data.map((row) => String(row[0]));
      });
      const settings = new ClickHouseSettingsFor(new Set(known));
      const dialect = options.dialect ?? clickhouseDialect;
      return new ClickHouseEngine(
        new ClickHouseRequests(connection, dialect, settings, { timeoutMs: options.timeoutMs }),
      );
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw asClickHouseError(e);
    }
  }

  query(statement: Statement, options: RunOptions = {}): Promise<QueryResult> {
    return this.requests.query(statement, options, undefined);
  }

  exec(statement: Statement, options: RunOptions = {}): Promise<void> {
    return this.requests.exec(statement, options, undefined);
  }

  appendRows(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
    return this.requests.appendRows(table, rows, undefined);
  }

  stream(statement: Statement, format: 'arrow' | 'csv', options: RunOptions = {}): AsyncIterable<Uint8Array> {
    return this.requests.stream(statement, format, options, undefined);
  }

  /**
   * ClickHouse has no transactions: the body runs on one session (its temporary tables stay
   * visible) and what it wrote before a failure stays written; nothing is rolled back. Callers
   * that need all-or-nothing write to a new table and swap it in (as publishing does).
   */
  transaction<T>(body: (tx: Session) => Promise<T>): Promise<T> {
    return this.withSession(body);
  }

  /** Runs `body` on one session (a fresh `session_id` on a server; chdb's one session). */
  async withSession<T>(body: (session: Session) => Promise<T>): Promise<T> {
    return body(new ClickHouseSession(this.requests, randomUUID()));
  }

  close(): Promise<void> {
    return this.requests.connection.close();
  }
}
