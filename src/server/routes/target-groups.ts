import type { FastifyInstance } from 'fastify';
import type { DeliveryScheduler } from '../../delivery/scheduler';
import { AppError } from '../../errors';
import type { ReportContext } from '../../reports/common/context';
import { segmentHistory } from '../../reports/target-groups/history';
import { pushMembers, segmentPushes } from '../../reports/target-groups/push';
import {
  deleteSchedule,
  getSchedule,
  listSchedules,
  runScheduledRefresh,
  setSchedule,
} from '../../reports/target-groups/schedule';
import { getSegment } from '../../reports/target-groups/store';
import { scopes } from '../auth/scope';
import type { AppContext } from '../deps';
import { stateReportContext } from './reports';

/** What a scheduled refresh needs: the report context outside any request, and what follows it. */
export interface RefreshDeps {
  readonly context: () => ReportContext;
  /** After a refresh: cached answers that read the segment's members are stale. */
  readonly afterRefresh: () => void;
  readonly log?: (segment: string, members: number) => void;
}

function refreshDeps(ctx: AppContext, app: FastifyInstance): RefreshDeps {
  return {
    // The full model: a schedule refreshes the shared snapshot for everyone, whoever set it.
    // (The spread reads the model getter outside any request scope.)
    context: () => scopes.exit(() => ({ ...stateReportContext(ctx) })),
    afterRefresh: () => ctx.queries.invalidate(),
    log: (segment, members) => app.log.info({ segment, members }, 'scheduled target group refresh'),
  };
}

/**
 * Puts a segment's refresh schedule on the scheduler (again, after a change). The run reads the
 * schedule afresh and does nothing if it was deleted; a failure is noted on the schedule and
 * reported by the scheduler's event log.
 */
export function scheduleRefresh(
  scheduler: DeliveryScheduler,
  deps: RefreshDeps,
  segmentId: string,
  schedule: { readonly cron: string; readonly timezone: string },
): void {
  scheduler.register({
    kind: 'target-group',
    id: segmentId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    run: async () => {
      const done = await runScheduledRefresh(deps.context(), segmentId);
      if (!done) return;
      deps.afterRefresh();
      deps.log?.(segmentId, done.members);
    },
  });
}

/**
 * What the target groups page adds to the segment routes (segments.ts): the history of member
 * counts, a refresh schedule, and pushing the members to a webhook with a log of pushes.
 */
export async function targetGroupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rc = () => stateReportContext(ctx);
  const user = () => scopes.getStore()?.user.name ?? null;
  // On the app's scheduler, which ticks only where asked (rapport serve/start).
  const refresh = refreshDeps(ctx, app);
  for (const [id, s] of await listSchedules(ctx.engine)) scheduleRefresh(ctx.scheduler, refresh, id, s);

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
    const s = await getSegment(rc(), request.params.id);
    scheduleRefresh(ctx.scheduler, refresh, s.segment_id, saved);
    return saved;
  });
  app.delete<{ Params: { id: string } }>('/v1/segments/:id/schedule', async (request, reply) => {
    const s = await getSegment(rc(), request.params.id);
    await deleteSchedule(rc(), s.segment_id);
    ctx.scheduler.unregister('target-group', s.segment_id);
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
