import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '../../engine';
import { AppError } from '../../errors';
import { findConnection, type NamedConnection, resolveSetting } from '../connections/load';
import type { HttpConnection } from '../connections/schema';
import type { HttpSource } from '../job/schema';
import { STAGE } from './batch-stager';
import type { RemoteExtract } from './extract-context';
import { expandJsonObjects } from './json-objects';
import { redactSecrets } from './redact';
import { MALFORMED } from './staged-source';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const DEFAULT_MAX_PAGES = 10_000;

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

function dig(body: unknown, path: string | undefined): unknown {
  if (path === undefined) return body;
  let v = body;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The URL without its query string: query parameters may carry tokens, and errors are logged. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** undici reports network failures as `TypeError: fetch failed` with the cause attached. */
function isNetworkError(e: unknown): boolean {
  const err = e as { name?: string; message?: string };
  return (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    (e instanceof TypeError && err.message === 'fetch failed')
  );
}

/** The message with its network cause (ECONNREFUSED, ENOTFOUND…), which `fetch failed` hides. */
function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message} (${cause})` : err.message;
}

/** Seconds or an HTTP date, as `Retry-After` allows; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * GET a JSON document, retrying on 429, 5xx and network errors with exponential backoff (or
 * the server's Retry-After, capped at the maximum delay).
 */
export async function getJson(
  url: URL,
  headers: Record<string, string>,
  retry: RetryPolicy,
  timeoutMs: number,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      // Only a network failure or a timeout may pass; a request fetch refuses to make (a URL
      // with credentials, a bad header) fails the same way every time.
      const transient = isNetworkError(e);
      if (transient && attempt < retry.attempts) {
        await sleep(backoff);
        continue;
      }
      const secrets = Object.entries(headers)
        .filter(([k]) => k !== 'accept')
        .map(([, v]) => v);
      const reason = redactSecrets(describeFetchError(e), secrets);
      throw new AppError(
        'SOURCE_NOT_FOUND',
        `GET ${shown(url)} failed${transient ? ` after ${attempt + 1} attempts` : ''}: ${reason}`,
      );
    }
    if (response.ok) {
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch {
        throw new AppError('SOURCE_INVALID', `GET ${shown(url)} did not answer JSON`);
      }
    }
    await response.body?.cancel().catch(() => undefined);
    const retriable = response.status === 429 || response.status >= 500;
    if (retriable && attempt < retry.attempts) {
      await sleep(Math.min(retry.maxDelayMs, retryAfterMs(response.headers.get('retry-after')) ?? backoff));
      continue;
    }
    throw new AppError(
      'SOURCE_NOT_FOUND',
      `GET ${shown(url)} answered HTTP ${response.status}${retriable ? ` after ${attempt + 1} attempts` : ''}`,
      { status: response.status },
    );
  }
}

function settings(c: NamedConnection & { definition: HttpConnection }) {
  const d = c.definition;
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries(d.headers ?? {}))
    headers[k] = resolveSetting(c, `headers.${k}`, v) ?? '';
  return {
    base: resolveSetting(c, 'base_url', d.base_url) ?? '',
    headers,
    timeoutMs: d.timeout_ms ?? 30_000,
    retry: {
      attempts: d.retry?.attempts ?? DEFAULT_RETRY.attempts,
      baseDelayMs: d.retry?.base_delay_ms ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: d.retry?.max_delay_ms ?? DEFAULT_RETRY.maxDelayMs,
    },
  };
}

/** The watermark as the API expects it: ISO 8601 in UTC for timestamps, else as stored. */
function sinceParam(from: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(from) ? `${from.replace(' ', 'T')}Z` : from;
}

/**
 * Pages through a JSON REST endpoint (page, offset or cursor pagination) and stages every
 * record as JSON text, one page at a time; `expandRecords` then turns them into columns.
 */
export const httpExtract: RemoteExtract<HttpSource> = async (source, { root, window, stager }) => {
  const c = findConnection(root, source.connection, 'http');
  const s = settings(c);
  const base = s.base.endsWith('/') ? s.base.slice(0, -1) : s.base;
  const p = source.pagination ?? { type: 'none' as const };
  await stager.begin([{ name: '__rec', type: 'VARCHAR' }]);
  let page = p.type === 'page' ? (p.first ?? 1) : 0;
  let offset = 0;
  let cursor: string | undefined;
  const seen = new Set<string>();
  const maxPages = source.max_pages ?? DEFAULT_MAX_PAGES;
  let previousPage: string | undefined;
  for (let pages = 1; ; pages++) {
    if (pages > maxPages) {
      throw new AppError(
        'SOURCE_INVALID',
        `${source.path}: more than max_pages (${maxPages}) pages; raise it if the API is that large`,
      );
    }
    const url = new URL(`${base}${source.path}`);
    for (const [k, v] of Object.entries(source.params ?? {})) url.searchParams.set(k, String(v));
    if (window && source.incremental_param)
      url.searchParams.set(source.incremental_param, sinceParam(window.from));
    const size = p.type === 'none' ? undefined : p.size;
    if (p.type !== 'none' && size !== undefined)
      url.searchParams.set(p.size_param ?? (p.type === 'offset' ? 'limit' : 'per_page'), String(size));
    if (p.type === 'page') url.searchParams.set(p.param ?? 'page', String(page));
    if (p.type === 'offset') url.searchParams.set(p.param ?? 'offset', String(offset));
    if (p.type === 'cursor' && cursor !== undefined) url.searchParams.set(p.param ?? 'cursor', cursor);
    const body = await getJson(url, s.headers, s.retry, s.timeoutMs);
    const records = dig(body, source.records);
    if (!Array.isArray(records)) {
      throw new AppError(
        'SOURCE_INVALID',
        `GET ${shown(url)}: ${source.records ? `"${source.records}" in the response` : 'the response'} is not an array of records`,
      );
    }
    const staged = records.map((r) => [JSON.stringify(r)]);
    if (p.type === 'none' || records.length === 0) {
      await stager.append(staged);
      break;
    }
    // An API that ignores the page or offset parameter answers the same page forever.
    const pageText = staged.map(([text]) => text).join('\n');
    if (p.type !== 'cursor' && pageText === previousPage) {
      throw new AppError(
        'SOURCE_INVALID',
        `GET ${shown(url)}: the same records came back for the next ${p.type}; does the API read "${p.param ?? p.type}"?`,
      );
    }
    previousPage = pageText;
    await stager.append(staged);
    if (p.type === 'cursor') {
      const next = dig(body, p.next);
      if (next === undefined || next === null || next === '') break;
      cursor = String(next);
      if (seen.has(cursor))
        throw new AppError('SOURCE_INVALID', `GET ${shown(url)}: the cursor ${cursor} came back twice`);
      seen.add(cursor);
    } else {
      if (size !== undefined && records.length < size) break;
      page++;
      offset += records.length;
    }
  }
  // An API has no snapshot clock to cap the watermark with: the overlap alone covers late rows.
  return undefined;
};

/**
 * Turns the staged records (`__src.__rec`) into columns: the union of the objects' keys, every
 * value as text (nested values as JSON), like JSON Lines. A record that is not an object is a
 * malformed record at its ordinal.
 */
export async function expandRecords(session: Session, mapped: readonly string[]): Promise<void> {
  await session.exec(`CREATE OR REPLACE TEMP TABLE __lines AS
    SELECT __line AS line_no, __rec AS line, coalesce(json_type(__rec) = 'OBJECT', false) AS ok FROM ${STAGE}`);
  await expandJsonObjects(session, mapped, STAGE);
  await session.exec(
    `INSERT INTO ${MALFORMED} (line, raw, message) SELECT line_no, to_json({'_record': line}), 'the record is not a JSON object' FROM __lines WHERE NOT ok`,
  );
}
