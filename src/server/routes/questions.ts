import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { questionsPage } from '../../dashboards/web/pages/questions-page';
import { AppError } from '../../errors';
import { listAlerts } from '../../questions/alerts/store';
import { runQuestion } from '../../questions/run';
import {
  createQuestion,
  deleteQuestion,
  duplicateQuestion,
  listQuestions,
  requireQuestion,
  updateQuestion,
} from '../../questions/store';
import {
  CreateQuestionSchema,
  DuplicateQuestionSchema,
  type SavedQuestion,
  UpdateQuestionSchema,
} from '../../questions/types';
import { LOCAL_ADMIN } from '../auth/scope';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { sqlOf } from './query';

const ListQuery = z.object({ search: z.string().max(200).optional() }).strict();

/** The user a request runs as: the authenticated one, the local admin in local mode. */
export function requestUser(request: FastifyRequest) {
  return request.rapportScope?.user ?? LOCAL_ADMIN;
}

/** Only the owner of a question (or alert) or an admin may change or delete it. */
export function assertOwner(request: FastifyRequest, owner: string | null, what: string): void {
  const user = requestUser(request);
  if (user.role === 'admin' || owner === user.name) return;
  throw new AppError(
    'FORBIDDEN',
    `${what} belongs to ${owner ?? 'nobody'}; only its owner or an admin may change or delete it`,
    { owner },
  );
}

/**
 * Saved questions: an Explore query with its chart settings under a name. Saving validates the
 * query as POST /v1/query would (a broken question is a 400 then, not at its first run); running
 * one goes through the query service under the caller's row and member rules.
 */
export async function questionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const now = () => ctx.now?.() ?? new Date();
  const by = (request: FastifyRequest) => requestUser(request).name;

  app.get('/v1/questions', async (request) => {
    const q = parseInput(ListQuery, request.query ?? {}, 'query string');
    return { data: await listQuestions(ctx.engine, q.search) };
  });
  app.post('/v1/questions', async (request, reply) => {
    const input = parseInput(CreateQuestionSchema, request.body, 'body');
    // The validation POST /v1/query does: a broken question is refused now, not at its first run.
    sqlOf(ctx, input.query);
    return reply.status(201).send(await createQuestion(ctx.engine, input, by(request), now()));
  });
  app.get<{ Params: { id: string } }>('/v1/questions/:id', async (request) =>
    requireQuestion(ctx.engine, request.params.id),
  );
  app.put<{ Params: { id: string } }>('/v1/questions/:id', async (request) => {
    const patch = parseInput(UpdateQuestionSchema, request.body, 'body');
    const old = await requireQuestion(ctx.engine, request.params.id);
    assertOwner(request, old.createdBy, `question "${old.id}"`);
    if (patch.query) sqlOf(ctx, patch.query);
    return updateQuestion(ctx.engine, old.id, patch, by(request), now());
  });
  app.delete<{ Params: { id: string } }>('/v1/questions/:id', async (request, reply) => {
    const old = await requireQuestion(ctx.engine, request.params.id);
    assertOwner(request, old.createdBy, `question "${old.id}"`);
    // Its alerts go with it: off the scheduler too.
    for (const a of await listAlerts(ctx.engine, old.id)) ctx.scheduler.unregister('alert', a.id);
    await deleteQuestion(ctx.engine, old.id);
    return reply.status(204).send();
  });
  app.post<{ Params: { id: string } }>('/v1/questions/:id/duplicate', async (request, reply) => {
    const body = parseInput(DuplicateQuestionSchema, request.body ?? {}, 'body');
    const copy = await duplicateQuestion(ctx.engine, request.params.id, by(request), now(), body.name);
    return reply.status(201).send(copy);
  });
  app.post<{ Params: { id: string } }>('/v1/questions/:id/run', async (request) => {
    const question: SavedQuestion = await requireQuestion(ctx.engine, request.params.id);
    const result = await runQuestion(ctx.queries, question);
    return { question: { id: question.id, name: question.name }, ...result };
  });

  app.get('/questions', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(questionsPage()),
  );
}
