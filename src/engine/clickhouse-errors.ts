/**
 * ClickHouse errors onto the error catalogue. The engine's own text (which names tables, columns
 * and SQL) stays in the error's `cause`, for the log; the message a user sees is rapport's own.
 */

import { AppError } from '../errors';

/** ClickHouse's error codes (src/Common/ErrorCodes.cpp) that rapport tells apart. */
const CODES = {
  TIMEOUT_EXCEEDED: 159,
  QUERY_WAS_CANCELLED: 394,
  TOO_MANY_ROWS_OR_BYTES: 396,
  MEMORY_LIMIT_EXCEEDED: 241,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  UNKNOWN_FORMAT: 73,
} as const;

export interface ClickHouseErrorContext {
  /** Rapport's own timer fired (the request was aborted). */
  readonly timedOut?: boolean;
  /** The request's row limit, when it had one. */
  readonly maxRows?: number;
  /** The format a stream asked for (an old server may not have it). */
  readonly format?: string;
}

/** The ClickHouse error code in `e`: the client's parsed `code`, or `Code: N` in the text (18.16). */
export function clickHouseCode(e: unknown): number | undefined {
  const parsed = Number((e as { code?: unknown } | null)?.code);
  if (Number.isInteger(parsed) && parsed > 0) return parsed;
  const message = e instanceof Error ? e.message : String(e);
  const match = /\bCode: (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** A network failure before ClickHouse answered (refused, reset, unknown host). */
function isUnreachable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|EPIPE)$/.test(code)
  );
}

export function asClickHouseError(e: unknown, context: ClickHouseErrorContext = {}): Error {
  if (e instanceof AppError) return e;
  const code = clickHouseCode(e);
  const type = (e as { type?: unknown } | null)?.type;
  const details = { clickhouseCode: code, clickhouseType: typeof type === 'string' ? type : undefined };
  const cause = { cause: e };
  if (context.timedOut || code === CODES.TIMEOUT_EXCEEDED || code === CODES.QUERY_WAS_CANCELLED) {
    return new AppError('QUERY_TIMEOUT', 'The query was interrupted after its time limit', undefined, cause);
  }
  if (code === CODES.TOO_MANY_ROWS_OR_BYTES && context.maxRows !== undefined) {
    const { maxRows } = context;
    return new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows }, cause);
  }
  if (code === CODES.MEMORY_LIMIT_EXCEEDED) {
    const message = 'The query needs more memory than the ClickHouse server allows it';
    return new AppError('WORK_LIMIT_EXCEEDED', message, details, cause);
  }
  if (code === CODES.TOO_MANY_SIMULTANEOUS_QUERIES) {
    return new AppError(
      'SERVER_BUSY',
      'The ClickHouse server is running too many queries; retry later',
      details,
      cause,
    );
  }
  if (code === CODES.UNKNOWN_FORMAT && context.format !== undefined) {
    const message = `This ClickHouse server cannot write ${context.format} (it is older than the format)`;
    return new AppError('UNSUPPORTED_FEATURE', message, details, cause);
  }
  if (isUnreachable(e)) {
    return new AppError('ENGINE_FAILED', 'The ClickHouse server cannot be reached', undefined, cause);
  }
  return new AppError('ENGINE_FAILED', 'ClickHouse could not run the query', details, cause);
}
