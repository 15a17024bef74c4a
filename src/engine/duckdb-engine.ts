import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, ResultReturnType } from '@duckdb/node-api';
import { AppError } from '../errors';
import { type Dialect, duckdbDialect, isSqlNode, type RenderedSql, render } from '../sql';
import { arrowStream } from './arrow-stream';
import { csvStream } from './csv-stream';
import { asEngineError } from './duckdb-errors';
import { toDuckDBParams } from './duckdb-params';
import { jsonValueConverter } from './duckdb-values';
import type { AppendValue, Engine, QueryResult, Row, RunOptions, Session, Statement } from './types';

export interface DuckDbEngineOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Connections kept for concurrent readers [4]. */
  readonly poolSize?: number;
  /** Default per-statement timeout in ms [none]. */
  readonly timeoutMs?: number;
  readonly readOnly?: boolean;
  /** DuckDB threads [all cores]. */
  readonly threads?: number;
}

function toRendered(statement: Statement, dialect: Dialect): RenderedSql {
  if (typeof statement === 'string') return { text: statement, params: [] };
  return isSqlNode(statement) ? render(statement, dialect) : statement;
}

/** A pooled connection on one DuckDB instance. */
class DuckDbSession implements Session {
  readonly dialect: Dialect = duckdbDialect;

  constructor(
    readonly connection: DuckDBConnection,
    private readonly defaults: RunOptions,
  ) {}

  async query(statement: Statement, options: RunOptions = {}): Promise<QueryResult> {
    const maxRows = options.maxRows ?? this.defaults.maxRows;
    return this.run(statement, options, async (c, text, params) => {
      const result = await c.stream(text, params);
      const names = result.columnNames();
      const types = result.columnTypes();
      const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
      const rows: Row[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        if (maxRows !== undefined && rows.length + chunk.rowCount > maxRows) {
          throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
        }
        const cols = names.map((_, i) => chunk.convertColumnValues(i, jsonValueConverter));
        for (let r = 0; r < chunk.rowCount; r++) {
          const row: Row = {};
          for (let k = 0; k < names.length; k++) row[names[k]!] = cols[k]![r] ?? null;
          rows.push(row);
        }
      }
      // A streamed result that fails or is interrupted part-way ends like a complete one;
      // only its return type tells (node-api 1.5 exposes no cause).
      if (result.returnType === ResultReturnType.INVALID) {
        throw new Error('The query failed while its rows were read (DuckDB does not say why)');
      }
      return { columns, rows };
    });
  }

  async exec(statement: Statement, options: RunOptions = {}): Promise<void> {
    await this.run(statement, options, (c, text, params) => c.run(text, params));
  }

  async appendRows(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
    // The appender finds temp tables only by their catalog name.
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    try {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else if (typeof v === 'bigint') appender.appendBigInt(v);
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
      appender.flushSync();
    } catch (e) {
      throw asEngineError(e, { sql: `append to ${table}` });
    } finally {
      appender.closeSync();
    }
  }

  /** Runs `consume` with the statement's text and parameters under the timeout. */
  async run<T>(
    statement: Statement,
    options: RunOptions,
    consume: (c: DuckDBConnection, text: string, params: DuckDBValue[] | undefined) => Promise<T>,
  ): Promise<T> {
    const rendered = toRendered(statement, this.dialect);
    const text = rendered.text;
    const params = rendered.params.length === 0 ? undefined : toDuckDBParams(rendered.params);
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.connection.interrupt();
          }, timeoutMs);
    try {
      return await consume(this.connection, text, params);
    } catch (e) {
      throw asEngineError(e, { timedOut, sql: text });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

export class DuckDbEngine implements Engine {
  readonly dialect: Dialect = duckdbDialect;
  private readonly idle: DuckDbSession[] = [];
  private readonly waiters: ((s: DuckDbSession) => void)[] = [];
  private created = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly options: DuckDbEngineOptions,
  ) {}

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const config: Record<string, string> = {};
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.threads) config['threads'] = String(options.threads);
    try {
      const instance = await DuckDBInstance.create(options.path, config);
      return new DuckDbEngine(instance, options);
    } catch (e) {
      throw asEngineError(e, {});
    }
  }

  query(statement: Statement, options?: RunOptions): Promise<QueryResult> {
    return this.withSession((s) => s.query(statement, options));
  }

  exec(statement: Statement, options?: RunOptions): Promise<void> {
    return this.withSession((s) => s.exec(statement, options));
  }

  async *stream(
    statement: Statement,
    format: 'arrow' | 'csv',
    options: RunOptions = {},
  ): AsyncIterable<Uint8Array> {
    const session = await this.acquire();
    const controller = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new AppError('QUERY_TIMEOUT', 'The query was interrupted after its time limit'),
              ),
            timeoutMs,
          );
    try {
      const rendered = toRendered(statement, this.dialect);
      const params = rendered.params.length === 0 ? undefined : toDuckDBParams(rendered.params);
      const streamOptions = { maxRows: options.maxRows, signal: controller.signal, onRows: options.onRows };
      const bytes =
        format === 'arrow'
          ? arrowStream(session.connection, rendered.text, params, streamOptions)
          : csvStream(session.connection, rendered.text, params, streamOptions);
      yield* bytes;
    } finally {
      if (timer) clearTimeout(timer);
      this.release(session);
    }
  }

  async transaction<T>(body: (tx: Session) => Promise<T>): Promise<T> {
    return this.withSession(async (s) => {
      await s.exec('BEGIN TRANSACTION');
      try {
        const result = await body(s);
        await s.exec('COMMIT');
        return result;
      } catch (e) {
        await s.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async withSession<T>(body: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await body(session);
    } finally {
      this.release(session);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.idle.splice(0)) s.connection.closeSync();
    this.instance.closeSync();
  }

  private async acquire(): Promise<DuckDbSession> {
    if (this.closed) throw new Error('engine is closed');
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.created < (this.options.poolSize ?? 4)) {
      this.created++;
      const connection = await this.instance.connect();
      // Days and timestamps are UTC unless a query asks for a zone.
      await connection.run("SET TimeZone = 'UTC'");
      return new DuckDbSession(connection, { timeoutMs: this.options.timeoutMs });
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(session: DuckDbSession): void {
    const next = this.waiters.shift();
    if (next) next(session);
    else if (this.closed) session.connection.closeSync();
    else this.idle.push(session);
  }
}
