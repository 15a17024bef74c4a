import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors';
import type { ReportContext } from '../../reports/common/context';
import { segmentHistory } from '../../reports/target-groups/history';
import { pushMembers, segmentPushes } from '../../reports/target-groups/push';
import { deleteSchedule, getSchedule, setSchedule } from '../../reports/target-groups/schedule';
import { TargetGroupScheduler } from '../../reports/target-groups/schedule-runner';
import { getSegment } from '../../reports/target-groups/store';
import { scopes } from '../auth/scope';
import type { AppContext } from '../deps';
import { reportContext } from './reports';

/**
 * What the target groups page adds to the segment routes (segments.ts): the history of member
 * counts, a refresh schedule, and pushing the members to a webhook with a log of pushes.
 */
export async function targetGroupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rc = () => reportContext(ctx);
  const user = () => scopes.getStore()?.user.name ?? null;
  // Schedules run only where asked (rapport serve/start), like the ETL jobs' schedules.
  const scheduler = ctx.schedules
    ? new TargetGroupScheduler(
        rc,
        () => ctx.queries.invalidate(),
        (e) =>
          e.kind === 'failed'
            ? app.log.warn({ segment: e.segment, err: e.error }, 'scheduled target group refresh failed')
            : app.log.info({ segment: e.segment, members: e.members }, 'scheduled target group refresh'),
      )
    : undefined;
  if (scheduler) {
    app.addHook('onReady', () => scheduler.sync());
    app.addHook('onClose', async () => scheduler.stop());
  }

  app.get<{ Params: { id: string } }>('/v1/segments/:id/history', async (request) => {
    const c = rc();
    const s = await getSegment(c, request.params.id);
    assertUnrestricted(c, s.segment_id, 'its refresh history');
    return { segment_id: s.segment_id, data: await segmentHistory(c, s.segment_id) };
  });

  app.get<{ Params: { id: string } }>('/v1/segments/:id/schedule', async (request) => {
    const s = await getSegment(rc(), request.params.id);
    const schedule = await getSchedule(ctx.engine, s.segment_id);
    if (!schedule)
      throw new AppError('NOT_FOUND', `segment "${s.segment_id}" has no refresh schedule`, {
        segment: s.segment_id,
      });
    return schedule;
  });
  app.put<{ Params: { id: string } }>('/v1/segments/:id/schedule', async (request) => {
    const saved = await setSchedule(rc(), request.params.id, request.body, user());
    await scheduler?.sync();
    return saved;
  });
  app.delete<{ Params: { id: string } }>('/v1/segments/:id/schedule', async (request, reply) => {
    await deleteSchedule(rc(), request.params.id);
    await scheduler?.sync();
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/segments/:id/push', async (request) =>
    pushMembers(rc(), request.params.id, request.body, { user: user(), maxRows: ctx.limits.maxExportRows }),
  );
  app.get<{ Params: { id: string } }>('/v1/segments/:id/pushes', async (request) => {
    const s = await getSegment(rc(), request.params.id);
    return { segment_id: s.segment_id, data: await segmentPushes(ctx.engine, s.segment_id) };
  });
}

/**
 * The history holds counts over every customer, which a user restricted to some rows may not
 * learn (their member counts are over the members they see; old snapshots are not kept).
 */
function assertUnrestricted(c: ReportContext, id: string, what: string): void {
  if ((c.model.access?.rows.size ?? 0) > 0) {
    throw new AppError(
      'FORBIDDEN',
      `segment "${id}": a user restricted to some rows cannot see ${what}; its counts include rows they do not see`,
      { segment: id },
    );
  }
}
