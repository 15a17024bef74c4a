import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readAhead } from '../../cube';
import { describeDefinition } from '../../reports/target-groups/describe';
import { listSchedules, type RefreshSchedule } from '../../reports/target-groups/schedule';
import {
  deleteSegment,
  getSegment,
  listSegments,
  MEMBER_COLUMNS,
  membersExport,
  refreshSegment,
  type SavedSegment,
  saveSegment,
} from '../../reports/target-groups/store';
import { segmentsAsSeen } from '../../reports/target-groups/visible';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { negotiate } from './query';
import { stateReportContext } from './reports';

const ListQuery = z.object({ search: z.string().max(200).optional() }).strict();

/** Segments whose name or description holds every word of the search, ignoring case. */
function matching(segments: SavedSegment[], search: string | undefined): SavedSegment[] {
  const words = (search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return segments;
  return segments.filter((s) => {
    const text = `${s.name} ${s.description ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** A segment as listed: its definition in words and its refresh schedule (or null) added. */
function withSummary(s: SavedSegment, schedules: Map<string, RefreshSchedule>) {
  return {
    ...s,
    definition_text: describeDefinition(s.definition),
    schedule: schedules.get(s.segment_id) ?? null,
  };
}

/**
 * Saved segments (target groups): named customer lists from report slices or cube queries.
 * Members export as CSV with contact fields; a change invalidates cached query results, since
 * `customers.segment` filters read the members.
 */
export async function segmentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rc = () => stateReportContext(ctx);
  // A user restricted to some rows sees counts and id lists over the customers they may see.
  const asSeen = async (s: SavedSegment) => (await segmentsAsSeen(rc(), [s]))[0]!;
  app.get<{ Querystring: { search?: string } }>('/v1/segments', async (request) => {
    const { search } = parseInput(ListQuery, request.query, 'query string');
    const all = await segmentsAsSeen(rc(), await listSegments(rc()));
    const schedules = await listSchedules(ctx.engine);
    return { data: matching(all, search).map((s) => withSummary(s, schedules)) };
  });
  app.post('/v1/segments', async (request, reply) => {
    const saved = await saveSegment(rc(), request.body);
    ctx.queries.invalidate();
    return reply.status(201).send(await asSeen(saved));
  });
  app.get<{ Params: { id: string } }>('/v1/segments/:id', async (request) => {
    const s = await asSeen(await getSegment(rc(), request.params.id));
    return withSummary(s, await listSchedules(ctx.engine, s.segment_id));
  });
  app.post<{ Params: { id: string } }>('/v1/segments/:id/refresh', async (request) => {
    const refreshed = await refreshSegment(rc(), request.params.id);
    ctx.queries.invalidate();
    return refreshed;
  });
  app.delete<{ Params: { id: string } }>('/v1/segments/:id', async (request, reply) => {
    await deleteSegment(rc(), request.params.id);
    ctx.queries.invalidate();
    return reply.status(204).send();
  });
  app.get<{ Params: { id: string } }>('/v1/segments/:id/members', async (request, reply) => {
    const sql = await membersExport(rc(), request.params.id);
    const accept = request.headers.accept ?? '';
    if (accept.includes('application/json') && !accept.includes('text/csv')) {
      // A JSON answer is capped; the CSV and Arrow exports below carry the export cap.
      return {
        columns: MEMBER_COLUMNS,
        data: (await ctx.engine.query(sql, { maxRows: ctx.limits.maxRows })).rows,
      };
    }
    const format = accept.includes('arrow') ? negotiate(request) : 'csv';
    const segment = await getSegment(rc(), request.params.id);
    // Started before any header is set, so a timeout or the export cap answers with its status.
    const stream = await readAhead(ctx.engine.stream(sql, format === 'arrow' ? 'arrow' : 'csv'));
    return reply
      .header(
        'content-type',
        format === 'arrow' ? 'application/vnd.apache.arrow.stream' : 'text/csv; charset=utf-8',
      )
      .header(
        'content-disposition',
        `attachment; filename="${segment.segment_id}.${format === 'arrow' ? 'arrow' : 'csv'}"`,
      )
      .send(Readable.from(stream));
  });
}
