import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import { jsonDepth, jsonTextDepth, tooDeep } from './json-depth';

/** Methods that change state (or run work) and that a web page can make a browser send. */
const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Why a state-changing request comes from a page of another site, or undefined when it does not.
 * Browsers send `Sec-Fetch-Site` (only `same-origin` and `none`, typed or bookmarked, are this
 * server's own) and `Origin` on every cross-origin POST; clients that are not browsers (curl,
 * Cube's client in Node, scripts) send neither and are not affected. Origins are compared by
 * host and port, so a TLS proxy in front (https outside, http inside) still matches.
 */
export function crossOriginReason(headers: FastifyRequest['headers']): string | undefined {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return `the browser says it comes from a ${site} page (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const own = sameHost(origin, headers.host);
  return own
    ? undefined
    : `it comes from a page of ${origin}, not of this server (${headers.host ?? 'no Host'})`;
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    // Parsed with the origin's scheme, so that `Host: 127.0.0.1:80` matches `http://127.0.0.1`.
    return new URL(`${o.protocol}//${host.trim()}`).host === o.host;
  } catch {
    return false;
  }
}

function hasBody(request: FastifyRequest): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && Number(length) !== 0;
}

function isJson(type: string | undefined): boolean {
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Refuses what no legitimate client sends before any work is done (authentication included):
 *
 * - a state-changing request from a page of another site (403 FORBIDDEN): in local mode every
 *   request is the local admin, and a page could otherwise make the browser run an ETL job with a
 *   `text/plain` form post, which needs no CORS preflight. The rule holds in every mode;
 * - a state-changing request whose body is not `application/json` (415 UNSUPPORTED_MEDIA_TYPE);
 *   no other body parser is installed;
 * - JSON nested deeper than `maxJsonDepth`, in a body (checked right after parsing) or in a
 *   query-string value (`?query=…`, checked before it is parsed), 400 VALIDATION_FAILED: deep
 *   values overflow the stack of recursive code downstream (validation, JSON.stringify).
 */
export function installRequestGuards(app: FastifyInstance, options: { maxJsonDepth: number }): void {
  const { maxJsonDepth } = options;
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (err, value) => {
      if (err) return done(err, undefined);
      const depth = jsonDepth(value);
      if (depth > maxJsonDepth) return done(tooDeep('the body', depth, maxJsonDepth), undefined);
      done(null, value);
    });
  });

  app.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(query ?? {})) {
      for (const text of [value].flat()) {
        if (typeof text !== 'string' || !/^\s*[[{]/.test(text)) continue;
        const depth = jsonTextDepth(text);
        if (depth > maxJsonDepth) throw tooDeep(`the query string's ${name}`, depth, maxJsonDepth);
      }
    }
    if (!STATE_CHANGING.has(request.method)) return;
    const reason = crossOriginReason(request.headers);
    if (reason !== undefined) {
      throw new AppError(
        'FORBIDDEN',
        `refusing a cross-origin ${request.method}: ${reason}; rapport takes requests that change or run anything only from its own pages and from clients that are not browsers`,
        { origin: request.headers.origin ?? null, secFetchSite: request.headers['sec-fetch-site'] ?? null },
      );
    }
    const type = request.headers['content-type'];
    if (hasBody(request) && !isJson(type)) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `a ${request.method} body must be JSON sent with Content-Type: application/json, not ${type === undefined ? 'without a type' : type}`,
        { contentType: type ?? null },
      );
    }
  });
}
