import { Cron } from 'croner';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import type { Job } from '../job/load';
import { runJob } from '../run-job';
import type { RunRecord } from '../run-log';

export interface RetryOptions {
  /** Retries after a failed scheduled run [3]. */
  readonly attempts: number;
  /** First delay; doubled on each retry [30 s]. */
  readonly baseDelayMs: number;
  /** Upper bound of a delay [10 min]. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 30_000, maxDelayMs: 600_000 };

/** What happened to one attempt, for the server's log. */
export type SchedulerEvent =
  | { kind: 'succeeded'; job: string; attempt: number; record: RunRecord }
  | { kind: 'failed'; job: string; attempt: number; error: Error; retryInMs?: number }
  | { kind: 'skipped'; job: string; reason: 'running' };

export interface SchedulerOptions {
  readonly engine: Engine;
  readonly root: string;
  readonly jobs: readonly Job[];
  readonly retry?: Partial<RetryOptions>;
  readonly onEvent?: (event: SchedulerEvent) => void;
  /** Called after a run changed data (the server re-reads the warehouse version). */
  readonly afterRun?: () => Promise<void>;
  /** How long `stop` waits for runs in progress [30 s]; past it, they are left to fail. */
  readonly stopGraceMs?: number;
}

export const DEFAULT_STOP_GRACE_MS = 30_000;

export interface JobState {
  readonly name: string;
  readonly schedule: string | null;
  readonly next_run: string | null;
  readonly running: boolean;
}

/**
 * Runs the jobs that carry a `schedule` on their cron expressions (croner), in the server
 * process. A job never overlaps itself: a tick while it runs (or waits to retry) is skipped.
 * Runs of different jobs queue behind each other in `runJob` (DuckDB has one writer). A failed
 * run is retried with exponential backoff; every attempt is recorded in `etl_runs` by runJob.
 */
export class EtlScheduler {
  private readonly crons = new Map<string, Cron>();
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly retry: RetryOptions;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  start(): void {
    for (const job of this.options.jobs) {
      const schedule = job.definition.schedule;
      if (!schedule || this.crons.has(job.definition.name)) continue;
      this.crons.set(job.definition.name, new Cron(schedule, { timezone: 'UTC' }, () => this.tick(job)));
    }
  }

  /**
   * Stops every cron, cancels pending retries and waits for the runs in progress, at most
   * `stopGraceMs`: a run stuck on a stalled source must not hold up shutdown (its statement
   * timeout fails it later; it lands nothing, being one transaction). Resolves to the names
   * of the jobs still running.
   */
  async stop(): Promise<string[]> {
    this.stopped = true;
    for (const c of this.crons.values()) c.stop();
    this.crons.clear();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.wake();
    }
    this.timers.clear();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise((resolve) => {
        grace = setTimeout(resolve, this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
    return [...this.running.keys()];
  }

  states(): JobState[] {
    return this.options.jobs.map((j) => ({
      name: j.definition.name,
      schedule: j.definition.schedule ?? null,
      next_run: this.nextRun(j.definition.name),
      running: this.running.has(j.definition.name),
    }));
  }

  /** The next time a started schedule fires, as ISO text. */
  nextRun(name: string): string | null {
    return this.crons.get(name)?.nextRun()?.toISOString() ?? null;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** One run now, without retries (an HTTP or CLI trigger); CONFLICT while the job runs. */
  runNow(job: Job): Promise<RunRecord> {
    return this.exclusive(job, () => this.attempt(job));
  }

  /** A cron tick: runs the job with retries unless it is still busy. */
  tick(job: Job): Promise<void> {
    const name = job.definition.name;
    if (this.running.has(name)) {
      this.options.onEvent?.({ kind: 'skipped', job: name, reason: 'running' });
      return Promise.resolve();
    }
    return this.exclusive(job, () => this.withRetries(job)).catch(() => undefined);
  }

  private exclusive<T>(job: Job, body: () => Promise<T>): Promise<T> {
    const name = job.definition.name;
    if (this.running.has(name)) {
      return Promise.reject(new AppError('CONFLICT', `job ${name} is running`, { job: name }));
    }
    const run = body();
    this.running.set(name, run);
    const clear = () => this.running.delete(name);
    run.then(clear, clear);
    return run;
  }

  private async attempt(job: Job): Promise<RunRecord> {
    const record = await runJob(job, { engine: this.options.engine, root: this.options.root });
    if (record.changed) await this.options.afterRun?.();
    return record;
  }

  private async withRetries(job: Job): Promise<void> {
    const name = job.definition.name;
    for (let attempt = 1; ; attempt++) {
      try {
        const record = await this.attempt(job);
        this.options.onEvent?.({ kind: 'succeeded', job: name, attempt, record });
        return;
      } catch (e) {
        const retryInMs =
          attempt <= this.retry.attempts && !this.stopped
            ? Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))
            : undefined;
        this.options.onEvent?.({ kind: 'failed', job: name, attempt, error: e as Error, retryInMs });
        if (retryInMs === undefined) throw e;
        await this.sleep(retryInMs);
        if (this.stopped) throw e;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        wake: resolve,
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
      };
      this.timers.add(entry);
    });
  }
}
