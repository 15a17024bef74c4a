import { AsyncLocalStorage } from 'node:async_hooks';
import type { Engine, QueryResult, RunOptions, Session, Statement } from '../../engine';
import { streamedRowsCounter } from '../auth/scope';
import type { Semaphore } from './semaphore';

export interface EngineLimits {
  /** Applied to every statement that does not set its own. */
  readonly timeoutMs: number;
  /** Applied to every stream that does not set its own. */
  readonly maxStreamRows: number;
  /** Shared by every call; a call made while holding a permit does not take a second one. */
  readonly semaphore: Semaphore;
}

function withDefaults(options: RunOptions | undefined, timeoutMs: number): RunOptions {
  return options?.timeoutMs === undefined ? { ...options, timeoutMs } : options;
}

function limitedSession(inner: Session, timeoutMs: number): Session {
  const session: Session = {
    dialect: inner.dialect,
    query: (s: Statement, o?: RunOptions) => inner.query(s, withDefaults(o, timeoutMs)),
    exec: (s: Statement, o?: RunOptions) => inner.exec(s, withDefaults(o, timeoutMs)),
  };
  // Bulk appends run no SQL, so there is nothing for the timeout to bound.
  return inner.appendRows ? { ...session, appendRows: inner.appendRows.bind(inner) } : session;
}

/**
 * The engine as request handlers see it: every statement carries the query timeout, every
 * stream the export row cap, and every call waits for a permit of the heavy-query semaphore.
 * Work that must not wait behind heavy queries (`/health`, ETL runs, cached answers) uses the
 * inner engine or never reaches one.
 */
export class LimitedEngine implements Engine {
  /** Marks the async context of a call that holds a permit, so nested calls do not deadlock. */
  private readonly holding = new AsyncLocalStorage<true>();

  constructor(
    readonly inner: Engine,
    private readonly limits: EngineLimits,
  ) {}

  get dialect() {
    return this.inner.dialect;
  }

  /** Queries holding a permit now, and queries waiting for one. */
  get load(): { running: number; queued: number; limit: number } {
    return { ...this.limits.semaphore.stats, limit: this.limits.semaphore.permits };
  }

  query(statement: Statement, options?: RunOptions): Promise<QueryResult> {
    return this.permitted(() => this.inner.query(statement, withDefaults(options, this.limits.timeoutMs)));
  }

  exec(statement: Statement, options?: RunOptions): Promise<void> {
    return this.permitted(() => this.inner.exec(statement, withDefaults(options, this.limits.timeoutMs)));
  }

  transaction<T>(body: (tx: Session) => Promise<T>): Promise<T> {
    return this.permitted(() =>
      this.inner.transaction((tx) => body(limitedSession(tx, this.limits.timeoutMs))),
    );
  }

  withSession<T>(body: (session: Session) => Promise<T>): Promise<T> {
    return this.permitted(() =>
      this.inner.withSession((s) => body(limitedSession(s, this.limits.timeoutMs))),
    );
  }

  stream(statement: Statement, format: 'arrow' | 'csv', options: RunOptions = {}): AsyncIterable<Uint8Array> {
    // Taken now, in the handler's context: the stream is read later.
    const counted = streamedRowsCounter();
    const onRows =
      counted && options.onRows
        ? (n: number) => {
            counted(n);
            options.onRows?.(n);
          }
        : (counted ?? options.onRows);
    return this.limitedStream(statement, format, { ...options, ...(onRows ? { onRows } : {}) });
  }

  private async *limitedStream(
    statement: Statement,
    format: 'arrow' | 'csv',
    options: RunOptions,
  ): AsyncIterable<Uint8Array> {
    const release = this.holding.getStore() ? undefined : await this.limits.semaphore.acquire();
    try {
      const limited = {
        ...withDefaults(options, this.limits.timeoutMs),
        maxRows: options.maxRows ?? this.limits.maxStreamRows,
      };
      yield* this.inner.stream(statement, format, limited);
    } finally {
      release?.();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async permitted<T>(body: () => Promise<T>): Promise<T> {
    if (this.holding.getStore()) return body();
    const release = await this.limits.semaphore.acquire();
    try {
      return await this.holding.run(true, body);
    } finally {
      release();
    }
  }
}
