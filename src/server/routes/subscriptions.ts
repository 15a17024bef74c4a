import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getDelivery, listDeliveries, recoverInterrupted } from '../../delivery/log';
import { messageFromJson } from '../../delivery/message';
import { retryDueDeliveries } from '../../delivery/send';
import { type SubscriptionDeps, scheduleSubscription, sendSubscription } from '../../delivery/service';
import { deliverySettings } from '../../delivery/settings';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  type Subscription,
  SubscriptionSchema,
  type SubscriptionTarget,
  SubscriptionUpdateSchema,
  updateSubscription,
} from '../../delivery/subscriptions';
import { AppError } from '../../errors';
import type { SecurityContext } from '../../model/access/types';
import { getQuestion } from '../../questions/store';
import { runAs } from '../auth/run-as';
import { LOCAL_ADMIN } from '../auth/scope';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { reportContext } from './reports';
import { dashboardCatalog } from './user-dashboards';

const userOf = (request: FastifyRequest): SecurityContext => request.rapportScope?.user ?? LOCAL_ADMIN;
const mayManage = (user: SecurityContext, sub: Subscription) =>
  user.role === 'admin' || sub.owner.name === user.name;

/**
 * Subscriptions: a dashboard (with filter values) or a saved question, delivered on a cron
 * schedule by e-mail and webhook, composed under its owner's row and member rules. Everyone
 * who reads dashboards may subscribe; each sees and changes their own, admins all of them.
 * `ctx.engine` here is the inner engine: a delivery is not subject to the request limits.
 */
export async function subscriptionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // The model outside any request, which each owner's rules restrict.
  const model = ctx.model;
  const dashboards = dashboardCatalog(ctx);
  const deps = (): SubscriptionDeps => ({
    engine: ctx.engine,
    dashboards,
    queries: ctx.queries,
    reports: reportContext(ctx),
    runAs: (user) => runAs(user, model),
    // Read per send, so a changed environment (or a test's SMTP server) is seen.
    settings: deliverySettings(),
  });
  const owned = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const sub = await getSubscription(ctx.engine, request.params.id);
    if (!mayManage(userOf(request), sub))
      throw new AppError('NOT_FOUND', `no subscription "${request.params.id}"`, {
        subscription: request.params.id,
      });
    return sub;
  };
  /** The target must exist when it is saved: a typo is a 4xx now, not a failed send later. */
  const checkTarget = async (target: SubscriptionTarget) => {
    if ('dashboard' in target) await dashboards.find(target.dashboard);
    else if (!(await getQuestion(ctx.engine, target.question)))
      throw new AppError('NOT_FOUND', `target.question: no saved question "${target.question}"`, {
        question: target.question,
      });
  };

  for (const sub of await listSubscriptions(ctx.engine)) scheduleSubscription(ctx.scheduler, deps(), sub);
  ctx.scheduler.onEachTick(() => retryDueDeliveries(deps()));
  if (ctx.schedules)
    app.addHook('onReady', async () => void (await recoverInterrupted(ctx.engine, new Date())));

  app.get('/v1/subscriptions', async (request) => {
    const user = userOf(request);
    return { data: (await listSubscriptions(ctx.engine)).filter((s) => mayManage(user, s)) };
  });
  app.post('/v1/subscriptions', async (request, reply) => {
    const input = parseInput(SubscriptionSchema, request.body, 'body');
    await checkTarget(input.target);
    const sub = await createSubscription(ctx.engine, input, userOf(request));
    scheduleSubscription(ctx.scheduler, deps(), sub);
    return reply.status(201).send(sub);
  });
  app.get<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) => owned(request));
  app.put<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) => {
    const change = parseInput(SubscriptionUpdateSchema, request.body, 'body');
    const old = await owned(request);
    if (change.target) await checkTarget(change.target);
    const sub = await updateSubscription(ctx.engine, old.id, change);
    scheduleSubscription(ctx.scheduler, deps(), sub);
    return sub;
  });
  app.delete<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request, reply) => {
    const sub = await owned(request);
    await deleteSubscription(ctx.engine, sub.id);
    ctx.scheduler.unregister('subscription', sub.id);
    return reply.status(204).send();
  });
  app.post<{ Params: { id: string } }>('/v1/subscriptions/:id/send', async (request) => {
    const sub = await owned(request);
    return { subscription: sub.id, deliveries: await sendSubscription(deps(), sub) };
  });
  app.get<{ Params: { id: string } }>('/v1/subscriptions/:id/deliveries', async (request) => {
    const sub = await owned(request);
    return { data: await listDeliveries(ctx.engine, { kind: 'subscription', id: sub.id }) };
  });
  // A delivery's file (the image a webhook links to): for its subscription's owner and admins.
  app.get<{ Params: { id: string; file: string } }>(
    '/v1/deliveries/:id/files/:file',
    async (request, reply) => {
      const missing = () =>
        new AppError('NOT_FOUND', `no file "${request.params.file}" in delivery "${request.params.id}"`);
      const d = await getDelivery(ctx.engine, request.params.id);
      if (!d) throw missing();
      const user = userOf(request);
      if (user.role !== 'admin') {
        const sub =
          d.source_kind === 'subscription' && d.source_id
            ? await getSubscription(ctx.engine, d.source_id).catch(() => undefined)
            : undefined;
        if (!sub || sub.owner.name !== user.name) throw missing();
      }
      const file = messageFromJson(d.message).attachments?.find((a) => a.filename === request.params.file);
      if (!file) throw missing();
      return reply
        .type(file.contentType)
        .header('content-disposition', `inline; filename="${file.filename}"`)
        .send(file.content);
    },
  );
}
