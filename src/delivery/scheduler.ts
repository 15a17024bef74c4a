/**
 * The scheduler of delivered and recurring work: subscriptions here, alert checks (src/questions,
 * src/alerts) and target-group refreshes may use it too. Cron expressions are croner's (5 or 6
 * fields), read in an IANA time zone.
 *
 * API for other parts (the app's instance is `ctx.scheduler` in route plugins):
 *
 *   ctx.scheduler.register({ kind: 'alert', id, cron: '0 8 * * 1', timezone: 'Europe/Berlin',
 *                            run: async (due) => { ... } });
 *   ctx.scheduler.unregister('alert', id);      // on delete; register again to change it
 *   validateSchedule(cron, timezone);           // a 400 VALIDATION_FAILED naming what is wrong
 *
 * Guarantees:
 * - Each due time fires at most once, across restarts: the last due time of each (kind, id) is
 *   kept in `schedule_state` and claimed (compare-and-set) *before* `run` is called. A process
 *   that dies during `run` does not repeat that due time; subscriptions make that safe by
 *   storing each message in the deliveries log before its first send attempt.
 * - Catch-up policy: after downtime (or a tick that came late), the work fires ONCE, for the
 *   latest due time it missed, not once per missed tick; `missed` in the event says how many
 *   were folded into it. Work registered for the first time starts from the moment it is
 *   registered: nothing fires for due times before it existed.
 * - A piece of work never overlaps itself: while `run` is going, later due times wait for the
 *   next tick (and then fold into one by the rule above).
 * - Time comes from `now` (tests pass a clock they move and call `tick()` themselves); `start()`
 *   ticks on a timer, in `rapport serve`/`start` only.
 */
import { Cron } from 'croner';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { sql } from '../sql';
import { ts } from './log';

export interface ScheduledWork {
  /** What the work is, e.g. `subscription`, `alert`, `target-group`. */
  readonly kind: string;
  readonly id: string;
  readonly cron: string;
  /** IANA name, e.g. `Europe/Berlin`, `UTC`. */
  readonly timezone: string;
  /** Called once per (folded) due time; a throw is reported as an event, not retried here. */
  readonly run: (due: Date) => Promise<void>;
}

export type SchedulerEvent =
  | { kind: 'fired'; work: string; id: string; due: string; missed: number }
  | { kind: 'failed'; work: string; id: string; due?: string; error: Error };

export interface DeliverySchedulerOptions {
  /** The warehouse engine (the inner one: scheduled work is not a request). */
  readonly engine: Engine;
  readonly now?: () => Date;
  /** How often `start()` ticks [15 s]. */
  readonly intervalMs?: number;
  readonly onEvent?: (e: SchedulerEvent) => void;
}

/** A cron expression and time zone that croner can read; VALIDATION_FAILED says which is wrong. */
export function validateSchedule(cron: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      `timezone: "${timezone}" is not an IANA time zone (e.g. Europe/Berlin, UTC)`,
      {
        field: 'timezone',
      },
    );
  }
  try {
    new Cron(cron, { timezone, paused: true });
  } catch (e) {
    throw new AppError(
      'VALIDATION_FAILED',
      `cron: "${cron}" is not a cron expression: ${(e as Error).message}`,
      {
        field: 'cron',
      },
    );
  }
}

/** The next due time after `from`, as ISO text (for listings). */
export function nextDue(cron: string, timezone: string, from: Date): string | null {
  return new Cron(cron, { timezone, paused: true }).nextRun(from)?.toISOString() ?? null;
}

/** Most folds walked step by step; past it, croner's previousRuns finds the latest directly. */
const MAX_WALK = 10_000;

/** The latest due time in (after, now], and how many earlier ones it folds; undefined if none. */
export function latestDue(cron: Cron, after: Date, now: Date): { due: Date; missed: number } | undefined {
  let due = cron.nextRun(after);
  if (!due || due > now) return undefined;
  let missed = 0;
  for (let next = cron.nextRun(due); next && next <= now; next = cron.nextRun(due)) {
    due = next;
    if (++missed >= MAX_WALK) {
      const latest = cron.previousRuns(1, new Date(now.getTime() + 1))[0];
      return { due: latest ?? due, missed };
    }
  }
  return { due, missed };
}

const key = (kind: string, id: string) => `${kind}\u0000${id}`;

export class DeliveryScheduler {
  private readonly works = new Map<string, { work: ScheduledWork; cron: Cron; since: Date }>();
  private readonly running = new Set<string>();
  private readonly everyTick: (() => Promise<unknown>)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: DeliverySchedulerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Adds (or replaces) a piece of work; throws VALIDATION_FAILED for a bad cron or zone. */
  register(work: ScheduledWork): void {
    validateSchedule(work.cron, work.timezone);
    const existing = this.works.get(key(work.kind, work.id));
    this.works.set(key(work.kind, work.id), {
      work,
      cron: new Cron(work.cron, { timezone: work.timezone, paused: true }),
      since: existing?.since ?? this.now(),
    });
  }

  unregister(kind: string, id: string): void {
    this.works.delete(key(kind, id));
  }

  /** Something to do on every tick besides due work (retrying queued deliveries). */
  onEachTick(body: () => Promise<unknown>): void {
    this.everyTick.push(body);
  }

  registered(): { kind: string; id: string; cron: string; timezone: string; next: string | null }[] {
    const now = this.now();
    return [...this.works.values()].map(({ work, cron }) => ({
      kind: work.kind,
      id: work.id,
      cron: work.cron,
      timezone: work.timezone,
      next: cron.nextRun(now)?.toISOString() ?? null,
    }));
  }

  /**
   * Fires every piece of work that is due at `now()` (once, by the policy above), then the
   * per-tick bodies; resolves when all of them finished. Returns what fired.
   */
  async tick(): Promise<{ kind: string; id: string; due: string; missed: number }[]> {
    const now = this.now();
    const fired: { kind: string; id: string; due: string; missed: number }[] = [];
    const runs: Promise<void>[] = [];
    for (const [k, { work, cron, since }] of this.works) {
      if (this.running.has(k)) continue;
      try {
        const claimed = await this.claim(work, cron, since, now);
        if (!claimed) continue;
        const due = claimed.due.toISOString();
        fired.push({ kind: work.kind, id: work.id, due, missed: claimed.missed });
        this.options.onEvent?.({ kind: 'fired', work: work.kind, id: work.id, due, missed: claimed.missed });
        this.running.add(k);
        runs.push(
          work
            .run(claimed.due)
            .catch((e) =>
              this.options.onEvent?.({
                kind: 'failed',
                work: work.kind,
                id: work.id,
                due,
                error: e as Error,
              }),
            )
            .finally(() => this.running.delete(k)),
        );
      } catch (e) {
        this.options.onEvent?.({ kind: 'failed', work: work.kind, id: work.id, error: e as Error });
      }
    }
    await Promise.all(runs);
    for (const body of this.everyTick) {
      await body().catch((e) =>
        this.options.onEvent?.({ kind: 'failed', work: 'tick', id: '', error: e as Error }),
      );
    }
    return fired;
  }

  /** Moves the work's last due time forward to the latest due time, if this process gets it. */
  private async claim(work: ScheduledWork, cron: Cron, since: Date, now: Date) {
    const r = await this.options.engine.query(
      sql`SELECT last_due_at FROM schedule_state WHERE kind = ${work.kind} AND work_id = ${work.id}`,
    );
    const stored = r.rows[0]?.['last_due_at'];
    if (stored === undefined) {
      // First sight: the schedule starts where it was registered.
      await this.options.engine.exec(sql`
        INSERT INTO schedule_state VALUES (${work.kind}, ${work.id}, ${ts(since)}::TIMESTAMP, ${ts(now)}::TIMESTAMP)`);
    }
    const last = stored === undefined ? since : new Date(`${String(stored)}Z`);
    const found = latestDue(cron, last, now);
    if (!found) return undefined;
    const updated = await this.options.engine.query(sql`
      UPDATE schedule_state SET last_due_at = ${ts(found.due)}::TIMESTAMP, updated_at = ${ts(now)}::TIMESTAMP
      WHERE kind = ${work.kind} AND work_id = ${work.id} AND last_due_at = ${ts(last)}::TIMESTAMP
      RETURNING work_id`);
    return updated.rows.length === 1 ? found : undefined;
  }

  /** Ticks every `intervalMs` (never two ticks at once) until `stop()`. */
  start(): void {
    if (this.timer) return;
    const interval = this.options.intervalMs ?? 15_000;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((e) => this.options.onEvent?.({ kind: 'failed', work: 'tick', id: '', error: e as Error }))
        .finally(() => {
          this.ticking = undefined;
        });
    }, interval);
    this.timer.unref();
  }

  /** Stops ticking and waits for the tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}
