import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { DestinationSchema } from '../../delivery/destinations';
import { type DeliveryScheduler, validateSchedule } from '../../delivery/scheduler';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { type AlertDeps, checkAlert, checkAlertById } from '../../questions/alerts/check';
import {
  alertHistory,
  createAlert,
  deleteAlert,
  lastEvent,
  listAlerts,
  requireAlert,
} from '../../questions/alerts/store';
import { type Alert, AlertInputSchema } from '../../questions/alerts/types';
import { timeSeriesOf, watchedMeasure } from '../../questions/alerts/value';
import { requireQuestion } from '../../questions/store';
import { alertDeps } from '../alert-deps';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { assertOwner, requestUser } from './questions';

/** Refuses an alert that could never be checked: caught when it is saved, not at 3 a.m. */
export async function assertCheckable(engine: Engine, input: z.infer<typeof AlertInputSchema>) {
  const question = await requireQuestion(engine, input.question);
  watchedMeasure(question.query, input.measure ?? null);
  if (
    (input.condition === 'change_pct' || input.condition === 'outside_forecast') &&
    !timeSeriesOf(question.query)
  )
    throw new AppError(
      'VALIDATION_FAILED',
      `condition ${input.condition} compares periods: question "${question.id}" needs a time dimension with a granularity`,
      { condition: input.condition },
    );
  if (input.schedule) validateSchedule(input.schedule, input.timezone ?? 'UTC');
  return input.destinations.map((d, i) => parseInput(DestinationSchema, d, `destinations.${i}`));
}

/** Puts an alert with a schedule on the scheduler; each run reads the alert afresh. */
export function scheduleAlert(scheduler: DeliveryScheduler, deps: AlertDeps, alert: Alert): void {
  if (!alert.schedule) return;
  scheduler.register({
    kind: 'alert',
    id: alert.id,
    cron: alert.schedule,
    timezone: alert.timezone ?? 'UTC',
    run: async () => {
      const current = (await listAlerts(deps.engine)).find((a) => a.id === alert.id);
      if (current) await checkAlert(deps, current);
    },
  });
}

/** Alerts: a saved question's value watched against a condition, sent once per crossing. */
export async function alertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Scheduled checks run outside any request: as the alert's owner, like a check asked for.
  for (const alert of await listAlerts(ctx.engine)) scheduleAlert(ctx.scheduler, alertDeps(ctx), alert);
  const withState = async (a: Alert) => {
    const last = await lastEvent(ctx.engine, a.id);
    return { ...a, crossed: last?.crossed ?? false, lastCheck: last ?? null };
  };
  app.get('/v1/alerts', async () => ({
    data: await Promise.all((await listAlerts(ctx.engine)).map(withState)),
  }));
  app.post('/v1/alerts', async (request, reply) => {
    const input = parseInput(AlertInputSchema, request.body, 'body');
    const destinations = await assertCheckable(ctx.engine, input);
    const alert = await createAlert(
      ctx.engine,
      { ...input, destinations },
      requestUser(request).name,
      ctx.now?.() ?? new Date(),
    );
    scheduleAlert(ctx.scheduler, alertDeps(ctx), alert);
    return reply.status(201).send(await withState(alert));
  });
  app.get<{ Params: { id: string } }>('/v1/alerts/:id', async (request) =>
    withState(await requireAlert(ctx.engine, request.params.id)),
  );
  app.delete<{ Params: { id: string } }>('/v1/alerts/:id', async (request, reply) => {
    const alert = await requireAlert(ctx.engine, request.params.id);
    assertOwner(request, alert.createdBy, `alert "${alert.id}"`);
    await deleteAlert(ctx.engine, alert.id);
    ctx.scheduler.unregister('alert', alert.id);
    return reply.status(204).send();
  });
  app.post<{ Params: { id: string } }>('/v1/alerts/:id/check', async (request) =>
    checkAlertById(alertDeps(ctx), request.params.id),
  );
  app.get<{ Params: { id: string } }>('/v1/alerts/:id/history', async (request) => {
    const alert = await requireAlert(ctx.engine, request.params.id);
    return { data: await alertHistory(ctx.engine, alert.id) };
  });
}
