import { z } from 'zod';
import { PushSchema } from '../reports/target-groups/push';
import { ScheduleSchema } from '../reports/target-groups/schedule';
import { pathParam } from './openapi-parts';

const json = (schema: object) => ({ 'application/json': { schema } });

function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  delete s['$schema'];
  return s;
}

/** The target groups page's routes beside /v1/segments (routes/target-groups.ts). */
export function targetGroupPaths(errors: Record<string, unknown>): Record<string, unknown> {
  const id = [pathParam('id')];
  const ok = (description: string) => ({ '200': { description }, ...errors });
  return {
    '/v1/segments/{id}/history': {
      get: {
        summary:
          'Member counts over time: one row per snapshot (seq, refreshed_at, cause, member_count, added, removed)',
        parameters: id,
        responses: ok('{segment_id, data}'),
      },
    },
    '/v1/segments/{id}/schedule': {
      get: {
        summary: 'The refresh schedule',
        parameters: id,
        responses: ok('{cron, timezone, next_run, …}'),
      },
      put: {
        summary: 'Set the refresh schedule (cron in an IANA time zone); run by rapport serve',
        parameters: id,
        requestBody: { required: true, content: json(bodySchema(ScheduleSchema)) },
        responses: ok('the schedule with next_run'),
      },
      delete: {
        summary: 'Remove the refresh schedule',
        parameters: id,
        responses: { '204': { description: 'removed' }, ...errors },
      },
    },
    '/v1/segments/{id}/push': {
      post: {
        summary:
          'POST the members as JSON to a webhook in pages of at most page_size; 502 WEBHOOK_FAILED on a failure',
        parameters: id,
        requestBody: { required: true, content: json(bodySchema(PushSchema)) },
        responses: ok('the push record'),
      },
    },
    '/v1/segments/{id}/pushes': {
      get: {
        summary: 'The last 50 pushes, newest first',
        parameters: id,
        responses: ok('{segment_id, data}'),
      },
    },
  };
}
