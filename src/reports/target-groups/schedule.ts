import { Cron } from 'croner';
import { z } from 'zod';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { parseParams } from '../common/params';
import { assertMayOverwrite, getSegment, refreshSegment } from './store';

/**
 * Refresh schedules of saved segments (table target_group_schedules): a cron expression read in
 * an IANA time zone. The schedules are data; the server puts each on the delivery scheduler
 * (src/delivery/scheduler.ts, via src/server/routes/target-groups.ts), which keeps due times
 * across restarts, catches up once after downtime and ticks in `rapport serve`/`start`.
 */
export const ScheduleSchema = z
  .object({
    cron: z.string().min(1).max(200),
    timezone: z.string().min(1).max(100).default('UTC'),
  })
  .strict();

export interface RefreshSchedule {
  cron: string;
  timezone: string;
  created_by: string | null;
  created_at: string;
  last_run_at: string | null;
  last_error: string | null;
  /** When it fires next (ISO, UTC). */
  next_run: string | null;
}

/** A cron that croner accepts in that time zone; VALIDATION_FAILED naming the field otherwise. */
export function parseCron(expr: string, timezone: string): Cron {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      `timezone: "${timezone}" is not an IANA time zone (e.g. Europe/Berlin)`,
    );
  }
  try {
    return new Cron(expr, { timezone, paused: true });
  } catch (e) {
    throw new AppError(
      'VALIDATION_FAILED',
      `cron: "${expr}" is not a cron expression: ${(e as Error).message}`,
    );
  }
}

export function nextRun(expr: string, timezone: string): string | null {
  const c = parseCron(expr, timezone);
  const next = c.nextRun()?.toISOString() ?? null;
  c.stop();
  return next;
}

export async function getSchedule(engine: Engine, segmentId: string): Promise<RefreshSchedule | null> {
  return (await listSchedules(engine, segmentId)).get(segmentId) ?? null;
}

/** Every schedule (or one segment's), by segment id. */
export async function listSchedules(
  engine: Engine,
  segmentId?: string,
): Promise<Map<string, RefreshSchedule>> {
  const r = await engine.query(sql`
    SELECT * FROM target_group_schedules WHERE ${segmentId ?? null}::VARCHAR IS NULL OR segment_id = ${segmentId ?? null}`);
  return new Map(
    r.rows.map((row) => {
      const cron = String(row['cron']);
      const timezone = String(row['timezone']);
      const text = (k: string) => (row[k] === null ? null : String(row[k]));
      return [
        String(row['segment_id']),
        {
          cron,
          timezone,
          created_by: text('created_by'),
          created_at: String(row['created_at']),
          last_run_at: text('last_run_at'),
          last_error: text('last_error'),
          next_run: nextRun(cron, timezone),
        },
      ];
    }),
  );
}

const wallClock = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/** Sets (or replaces) a segment's refresh schedule. Restricted users may not, as they may not refresh. */
export async function setSchedule(
  ctx: ReportContext,
  idOrName: string,
  input: unknown,
  user: string | null,
): Promise<RefreshSchedule> {
  const p = parseParams(ScheduleSchema, input, 'schedule');
  const s = await getSegment(ctx, idOrName);
  assertMayOverwrite(ctx, s.segment_id);
  parseCron(p.cron, p.timezone).stop();
  await ctx.engine.transaction(async (tx) => {
    await tx.exec(sql`DELETE FROM target_group_schedules WHERE segment_id = ${s.segment_id}`);
    await tx.exec(sql`
      INSERT INTO target_group_schedules VALUES (${s.segment_id}, ${p.cron}, ${p.timezone}, ${user},
        CAST(${wallClock()} AS TIMESTAMP), NULL, NULL)`);
  });
  return (await getSchedule(ctx.engine, s.segment_id)) as RefreshSchedule;
}

export async function deleteSchedule(ctx: ReportContext, idOrName: string): Promise<void> {
  const s = await getSegment(ctx, idOrName);
  assertMayOverwrite(ctx, s.segment_id);
  await ctx.engine.exec(sql`DELETE FROM target_group_schedules WHERE segment_id = ${s.segment_id}`);
}

/** Notes a scheduled run's end: when, and the error if it failed (cleared by a success). */
export async function noteScheduledRun(
  engine: Engine,
  segmentId: string,
  error: string | null,
): Promise<void> {
  await engine.exec(sql`
    UPDATE target_group_schedules SET last_run_at = CAST(${wallClock()} AS TIMESTAMP), last_error = ${error}
    WHERE segment_id = ${segmentId}`);
}

/**
 * One scheduled refresh: a 'schedule' snapshot, its end noted on the schedule (the error when it
 * failed, then thrown for the scheduler to report). Nothing is done when the schedule is gone
 * (deleted between its registration and its due time).
 */
export async function runScheduledRefresh(
  ctx: ReportContext,
  segmentId: string,
): Promise<{ members: number } | undefined> {
  if (!(await getSchedule(ctx.engine, segmentId))) return undefined;
  try {
    const s = await refreshSegment(ctx, segmentId, 'schedule');
    await noteScheduledRun(ctx.engine, segmentId, null);
    return { members: s.member_count };
  } catch (e) {
    await noteScheduledRun(ctx.engine, segmentId, (e as Error).message).catch(() => undefined);
    throw e;
  }
}
