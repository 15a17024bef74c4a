/**
 * Query results as an Apache Arrow IPC stream, built column-wise from DuckDB's vectors without
 * turning rows into JavaScript objects (the column builders and the type mapping: arrow-columns.ts).
 */

import {
  type DuckDBConnection,
  type DuckDBResult,
  type DuckDBValue,
  type DuckDBVector,
  ResultReturnType,
} from '@duckdb/node-api';
import { Field, makeData, RecordBatch, RecordBatchStreamWriter, Schema, Struct } from 'apache-arrow';
import { AppError } from '../errors';
import { builderFor } from './arrow-columns';
import { asEngineError } from './duckdb-errors';

export interface StreamOptions {
  /** Fails with ROW_LIMIT_EXCEEDED as soon as the result turns out to have more rows. */
  maxRows?: number;
  /** Aborting interrupts the query and ends the iteration with the signal's reason. */
  signal?: AbortSignal;
  /** Rows per Arrow record batch [65536]. */
  batchRows?: number;
  /** Told the row count of each piece of the result read. */
  onRows?: (count: number) => void;
}

const DEFAULT_BATCH_ROWS = 65_536;

/**
 * Runs `text` with bound `params` on `connection` and yields an Arrow IPC stream (schema message,
 * record batches, EOS). The first piece is yielded once the first batch is complete (or the result
 * ends), so an error in a result of up to `batchRows` rows arrives before any byte; each later
 * piece is one record batch. Leaving the iteration early interrupts the query.
 */
export function arrowStream(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: StreamOptions = {},
): AsyncIterable<Uint8Array> {
  const batchRows = Math.max(1, Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS));
  return {
    [Symbol.asyncIterator]: () =>
      streamResult(connection, text, params, options, {
        open(result) {
          const names = result.columnNames();
          const builders = result.columnTypes().map((t) => builderFor(t));
          const schema = new Schema(names.map((name, i) => new Field(name, builders[i]!.type, true)));
          const writer = new PieceWriter();
          writer.reset(undefined, schema);
          let rows = 0;
          const flush = (): void => {
            if (rows === 0) return;
            const children = builders.map((b) => b.finish());
            const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
            writer.write(new RecordBatch(schema, data));
            rows = 0;
          };
          return {
            *push(vectors, count) {
              let offset = 0;
              while (offset < count) {
                const n = Math.min(count - offset, batchRows - rows);
                for (let c = 0; c < builders.length; c++) builders[c]!.append(vectors[c]!, offset, n);
                rows += n;
                offset += n;
                if (rows === batchRows) {
                  flush();
                  yield writer.take();
                }
              }
            },
            end() {
              flush();
              writer.finish();
              return writer.take();
            },
          };
        },
      }),
  };
}

/**
 * The error a stream ends with: once `signal` has aborted, its reason (a timeout's, from
 * `AbortSignal.timeout`, becomes QUERY_TIMEOUT); otherwise the engine error `e` maps to.
 */
export function streamError(e: unknown, signal: AbortSignal | undefined, sql: string): unknown {
  if (!signal?.aborted) return asEngineError(e, { sql });
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return timedOut ? asEngineError(reason, { sql, timedOut }) : reason;
}

/** What a format does with a result's chunks: `push` may yield pieces, `end` returns the last. */
interface ChunkSink {
  push(vectors: readonly DuckDBVector[], rowCount: number): Iterable<Uint8Array>;
  end(): Uint8Array;
}

/**
 * Streams `text` and feeds its chunks to the sink `open` makes. Handles the row limit, the abort
 * signal, errors and releasing the result when the consumer stops early.
 */
async function* streamResult(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: StreamOptions,
  format: { open(result: DuckDBResult): ChunkSink },
): AsyncGenerator<Uint8Array, void, undefined> {
  const { maxRows, signal } = options;
  if (signal?.aborted) throw streamError(signal.reason, signal, text);
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  let result: DuckDBResult | undefined;
  const fail = (e: unknown): unknown => streamError(e, signal, text);
  try {
    try {
      result = await connection.stream(text, params);
    } catch (e) {
      throw fail(e);
    }
    const sink = format.open(result);
    let total = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<DuckDBResult['fetchChunk']>>;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw fail(e);
      }
      if (!chunk || chunk.rowCount === 0) {
        // A streamed result that fails (an error, an interrupt) ends like a complete one; only
        // its return type, INVALID after a failure, tells them apart. The cause is not exposed.
        if (result.returnType === ResultReturnType.INVALID) {
          throw fail(new Error('The query failed while its result was read (DuckDB does not say why)'));
        }
        break;
      }
      const count = chunk.rowCount;
      if (maxRows !== undefined && total + count > maxRows) {
        throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
      }
      total += count;
      options.onRows?.(count);
      const vectors: DuckDBVector[] = [];
      for (let c = 0; c < chunk.columnCount; c++) vectors.push(chunk.getColumnVector(c));
      for (const piece of sink.push(vectors, count)) {
        yield piece;
        if (signal?.aborted) throw fail(signal.reason);
      }
    }
    finished = true;
    yield sink.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stops the query and lets DuckDB wind it up (one fetch after the interrupt ends it and its
    // transaction); the result object itself is freed by its finalizer.
    if (result && !finished) {
      connection.interrupt();
      await result.fetchChunk().catch(() => undefined);
    }
  }
}

/** A RecordBatchStreamWriter whose output is collected synchronously, one piece per batch. */
class PieceWriter extends RecordBatchStreamWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  protected override _write(chunk: unknown): this {
    if (this._started && ArrayBuffer.isView(chunk) && chunk.byteLength > 0) {
      this.parts.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.size += chunk.byteLength;
      this._position += chunk.byteLength;
    }
    return this;
  }

  /** Everything written since the last `take`, copied into one array. */
  take(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    this.parts = [];
    this.size = 0;
    return out;
  }
}
