import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../errors';

/** Codes whose messages the server writes itself: safe to show even though their status is 5xx. */
// A webhook failure's message is rapport's own (the page, the receiver's status or the timeout).
const OWN_MESSAGES: ReadonlySet<ErrorCode> = new Set([
  'QUERY_TIMEOUT',
  'SERVER_BUSY',
  'WAREHOUSE_LOCKED',
  'WEBHOOK_FAILED',
]);

/**
 * What a user sees of a catalogued error. A 5xx error may carry the engine's own text (a DuckDB
 * message naming tables, SQL or internals): it answers with its code and the catalogue's title,
 * and the original goes to the log only.
 */
export function publicError(error: AppError): { code: ErrorCode; message: string; details?: unknown } {
  if (error.status < 500) return error.toJSON();
  if (!OWN_MESSAGES.has(error.code)) {
    return { code: error.code, message: `${ERROR_CATALOGUE[error.code].title}; see the server log` };
  }
  const retry = retryAfterSeconds(error);
  return retry === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details: { retryAfterSeconds: retry } };
}

function retryAfterSeconds(error: AppError): number | undefined {
  const d = error.details as { retryAfterSeconds?: unknown } | undefined;
  return typeof d?.retryAfterSeconds === 'number' ? d.retryAfterSeconds : undefined;
}

/**
 * One error handler: catalogued errors answer with their status and `{code, message,
 * details}` (5xx ones without engine text, see `publicError`); fastify's own client errors
 * (bad JSON, body too large) keep their 4xx status; anything else is a 500 whose details stay
 * in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      const shown = publicError(error);
      const retry = retryAfterSeconds(error);
      if (retry !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retry));
      // Cube's clients read the message from `error` (their RequestError takes body.error).
      const body = request.url.startsWith('/cubejs-api/')
        ? {
            ...shown,
            error: shown.message,
            type: error.status < 500 ? 'UserError' : 'InternalServerError',
          }
        : shown;
      return reply.status(error.status).send(body);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: fe.message });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request body is larger than the limit of ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes`,
      });
    }
    if (fe.statusCode === 415) {
      return reply.status(415).send({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `the body must be JSON sent with Content-Type: application/json, not ${request.headers['content-type'] ?? 'without a type'}`,
      });
    }
    // The static file server (the docs' assets) refuses a path outside its folder with 403 (or
    // FST_STATIC_FORBIDDEN_PATH): no such file is served there, so the answer is 404.
    if (fe.statusCode === 403 || fe.statusCode === 404 || fe.code?.startsWith('FST_STATIC_')) {
      return reply.status(404).send({ code: 'NOT_FOUND', message: `no file ${request.url.split('?')[0]}` });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ code: 'VALIDATION_FAILED', message: fe.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply
      .status(500)
      .send({ code: 'INTERNAL', message: 'An unexpected error occurred; see the server log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(ERROR_CATALOGUE.NOT_FOUND.status).send({
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}
