/**
 * Query results as CSV written by DuckDB itself (RFC 4180 quoting, DuckDB's number and timestamp
 * formatting, NULL as an empty field, an empty string as `""`).
 *
 * DuckDB runs `COPY (<query>) TO '<file>'` into a fresh private directory under the OS temp
 * directory; the file is then read back in pieces and removed when the iteration ends, however it
 * ends. Bound parameters stay bound (COPY takes them like any statement). The query's output
 * starts only once it has finished: writing into a named pipe would stream sooner, but cannot
 * honour `maxRows` before sending data, needs `mkfifo`, and blocks a libuv thread per export.
 */

import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { AppError } from '../errors';
import { type StreamOptions, streamError } from './arrow-stream';

export interface CsvStreamOptions extends StreamOptions {
  /** Writes the column names as the first line [true]. */
  header?: boolean;
  /** One character other than a quote or a line break [`,`]. */
  delimiter?: string;
}

/** Bytes per piece read back from the file. */
const PIECE_BYTES = 256 * 1024;

/** A SQL string literal. Used only for the temp path and the validated delimiter, never for values. */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The query as a subquery: trailing semicolons dropped, a line break before `)` ends any comment. */
function subquery(text: string): string {
  return `(\n${text.replace(/[\s;]+$/, '')}\n)`;
}

function checkOptions(options: CsvStreamOptions): void {
  const { delimiter, maxRows } = options;
  if (delimiter !== undefined && ([...delimiter].length !== 1 || /["'\r\n\0]/.test(delimiter))) {
    const message = 'The CSV delimiter must be one character, not a quote or a line break';
    throw new AppError('VALIDATION_FAILED', message, { delimiter });
  }
  if (maxRows !== undefined && !(Number.isSafeInteger(maxRows) && maxRows >= 0)) {
    throw new AppError('VALIDATION_FAILED', 'maxRows must be a non-negative integer', { maxRows });
  }
}

/**
 * Runs `text` with bound `params` on `connection` and yields the result as CSV. With `maxRows`,
 * DuckDB writes at most `maxRows + 1` rows and a result with more fails with ROW_LIMIT_EXCEEDED
 * before any byte is yielded. Columns with the same name come out as `a`, `a_1`, … (DuckDB's COPY).
 */
export function csvStream(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: CsvStreamOptions = {},
): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => copyAndRead(connection, text, params, options) };
}

async function* copyAndRead(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: CsvStreamOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  checkOptions(options);
  const { maxRows, signal } = options;
  if (signal?.aborted) throw streamError(signal.reason, signal, text);
  const dir = await mkdtemp(join(tmpdir(), 'rapport-csv-'));
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const file = join(dir, 'result.csv');
    const source =
      maxRows === undefined ? subquery(text) : `(SELECT * FROM ${subquery(text)} LIMIT ${maxRows + 1})`;
    const copy =
      `COPY ${source} TO ${literal(file)} ` +
      `(FORMAT csv, HEADER ${options.header ?? true}, DELIMITER ${literal(options.delimiter ?? ',')})`;
    let written: number;
    try {
      written = (await connection.run(copy, params)).rowsChanged;
    } catch (e) {
      throw streamError(e, signal, text);
    }
    if (maxRows !== undefined && written > maxRows) {
      throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
    }
    options.onRows?.(written);
    // Leaving this loop early destroys the read stream, which closes the file.
    for await (const piece of createReadStream(file, { highWaterMark: PIECE_BYTES })) {
      if (signal?.aborted) throw streamError(signal.reason, signal, text);
      yield piece as Buffer;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Retries cover a file still held open on Windows; a failure must not hide the real error.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}
