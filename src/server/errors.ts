import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CATALOGUE } from '../errors';

/**
 * One error handler: catalogued errors answer with their status and `{code, message,
 * details}`; fastify's own client errors (bad JSON, body too large) keep their 4xx status;
 * anything else is a 500 whose details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      // Cube's clients read the message from `error` (their RequestError takes body.error).
      const body = request.url.startsWith('/cubejs-api/')
        ? {
            ...error.toJSON(),
            error: error.message,
            type: error.status < 500 ? 'UserError' : 'InternalServerError',
          }
        : error.toJSON();
      return reply.status(error.status).send(body);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: fe.message });
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
