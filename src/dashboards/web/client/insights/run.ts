import type { Row } from '../api-types';
import { ApiError, isAbort } from '../core/api';
import { authHeaders } from '../core/api-key';
import type { Insight } from './state';

/** A report's rows as its CSV export gives them: the header's columns and typed values. */
export interface ReportRows {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Columns that hold names or dates even when their values look like numbers. */
const TEXT_COLUMNS = new Set(['breakdown', 'series', 'event', 'step', 'path', 'period', 'cohort', 'status']);
const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

/** Typed rows: numbers in numeric columns (empty → null), true/false as booleans. */
export function typedRows(records: readonly string[][]): ReportRows {
  const [header = [], ...body] = records;
  const numeric = header.map(
    (name, i) =>
      !TEXT_COLUMNS.has(name) &&
      body.some((r) => (r[i] ?? '') !== '') &&
      body.every((r) => (r[i] ?? '') === '' || NUMBER.test(r[i]!)),
  );
  const rows = body.map((r) => {
    const row: Row = {};
    header.forEach((name, i) => {
      const v = r[i] ?? '';
      if (numeric[i]) row[name] = v === '' ? null : Number(v);
      else if (v === 'true' || v === 'false') row[name] = v === 'true';
      else row[name] = v === '' ? null : v;
    });
    return row;
  });
  return { columns: header, rows };
}

/**
 * Runs a report and answers its rows (`POST /v1/reports/NAME` asking for CSV: the same rows a
 * download gives). An error answer (a 400 for an unknown event) becomes an ApiError with the
 * server's message.
 */
export async function runInsight(
  insight: Insight,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ReportRows> {
  let response: Response;
  try {
    response = await fetch(`/v1/reports/${insight}`, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/json', accept: 'text/csv', ...authHeaders() },
      body: JSON.stringify(body),
    });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'NETWORK', 'The server could not be reached');
  }
  const text = await response.text();
  if (!response.ok) {
    let error: { code?: unknown; message?: unknown; details?: unknown } = {};
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      // not JSON: the status says it
    }
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error.message === 'string' ? error.message : response.statusText || 'The report failed',
      error.details,
    );
  }
  return typedRows(parseCsv(text));
}
