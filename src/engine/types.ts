import type { Dialect, RenderedSql, SqlNode } from '../sql';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Row = Record<string, JsonValue>;

export interface ResultColumn {
  readonly name: string;
  /** The engine's type name, e.g. `BIGINT`, `DECIMAL(18,4)`, `TIMESTAMP`. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: Row[];
}

export interface RunOptions {
  /** Interrupts the statement in the engine after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Fails with ROW_LIMIT_EXCEEDED when the result would have more rows. */
  readonly maxRows?: number;
  /** A stream tells the rows it reads, as it reads them (the audit log counts an export's rows). */
  readonly onRows?: (count: number) => void;
}

/** A statement: an AST (rendered with the engine's dialect), rendered SQL, or trusted text. */
export type Statement = SqlNode | RenderedSql | string;

/** One connection's worth of work; what a transaction hands to its body. */
export interface Session {
  readonly dialect: Dialect;
  query(statement: Statement, options?: RunOptions): Promise<QueryResult>;
  exec(statement: Statement, options?: RunOptions): Promise<void>;
  /**
   * Appends rows to an existing (temp) table in bulk, bypassing SQL parsing; a value is a
   * VARCHAR (string), a BIGINT (bigint) or NULL. Engines without a bulk path leave it out.
   */
  appendRows?(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void>;
}

export type AppendValue = string | bigint | null;

/**
 * A database: connections exposing `{dialect, run}`. All database I/O in rapport goes through
 * an Engine; nothing above `src/engine` knows which database it talks to.
 */
export interface Engine extends Session {
  /** Runs `body` in one transaction on one connection: committed if it resolves, else rolled back. */
  transaction<T>(body: (tx: Session) => Promise<T>): Promise<T>;
  /**
   * Streams a result as Arrow IPC or CSV bytes produced column-wise (no per-row JS objects);
   * the pooled connection is held until the iteration ends.
   */
  stream(statement: Statement, format: 'arrow' | 'csv', options?: RunOptions): AsyncIterable<Uint8Array>;
  /** Runs `body` on one pooled connection without a transaction (temp tables stay visible). */
  withSession<T>(body: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
