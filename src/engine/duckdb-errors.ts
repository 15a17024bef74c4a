import { AppError } from '../errors';

/** Maps a DuckDB error to the catalogue where the cause is known; otherwise ENGINE_FAILED. */
export function asEngineError(e: unknown, context: { timedOut?: boolean; sql?: string }): Error {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (context.timedOut || /INTERRUPT/i.test(message)) {
    return new AppError('QUERY_TIMEOUT', 'The query was interrupted after its time limit', undefined, {
      cause: e,
    });
  }
  if (/Could not set lock on file/i.test(message)) {
    return new AppError(
      'WAREHOUSE_LOCKED',
      'The warehouse file is held by another process (a running server or ETL job?)',
      { engineMessage: firstLine(message) },
      { cause: e },
    );
  }
  return new AppError('ENGINE_FAILED', firstLine(message), undefined, { cause: e });
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
