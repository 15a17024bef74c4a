import { Cron } from 'croner';
import type { ReportContext } from '../common/context';
import { listSchedules, noteScheduledRun } from './schedule';
import { refreshSegment } from './store';

export type ScheduledRefreshEvent =
  | { kind: 'refreshed'; segment: string; members: number }
  | { kind: 'failed'; segment: string; error: string };

/**
 * Runs the segments' refresh schedules in `rapport serve`, one croner job per segment, outside
 * any request (so with the full model: a schedule refreshes the shared snapshot for everyone).
 * `sync` re-reads the table after a schedule is set or deleted. A refresh still running when its
 * next time comes is not started twice (croner's `protect`).
 *
 * Agent S's delivery scheduler (src/delivery/scheduler.ts) was not committed when this was
 * written; once it is, these jobs can register there instead.
 */
export class TargetGroupScheduler {
  private readonly crons = new Map<string, { key: string; cron: Cron }>();
  private stopped = false;

  constructor(
    private readonly ctx: () => ReportContext,
    private readonly afterRefresh: () => void,
    private readonly onEvent?: (e: ScheduledRefreshEvent) => void,
  ) {}

  async sync(): Promise<void> {
    if (this.stopped) return;
    const schedules = await listSchedules(this.ctx().engine);
    for (const [id, entry] of this.crons) {
      const s = schedules.get(id);
      if (!s || `${s.cron}\u0000${s.timezone}` !== entry.key) {
        entry.cron.stop();
        this.crons.delete(id);
      }
    }
    for (const [id, s] of schedules) {
      if (this.crons.has(id)) continue;
      const cron = new Cron(s.cron, { timezone: s.timezone, protect: true }, () => this.run(id));
      this.crons.set(id, { key: `${s.cron}\u0000${s.timezone}`, cron });
    }
  }

  /** One scheduled refresh; its outcome is noted on the schedule and never thrown. */
  async run(segmentId: string): Promise<void> {
    const ctx = this.ctx();
    try {
      const s = await refreshSegment(ctx, segmentId, 'schedule');
      this.afterRefresh();
      await noteScheduledRun(ctx.engine, segmentId, null);
      this.onEvent?.({ kind: 'refreshed', segment: segmentId, members: s.member_count });
    } catch (e) {
      const error = (e as Error).message;
      await noteScheduledRun(ctx.engine, segmentId, error).catch(() => undefined);
      this.onEvent?.({ kind: 'failed', segment: segmentId, error });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const { cron } of this.crons.values()) cron.stop();
    this.crons.clear();
  }
}
