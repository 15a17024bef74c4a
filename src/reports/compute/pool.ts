import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors';
import { workerSource } from './bundle';
import type { TaskArgs, TaskName, TaskResult } from './tasks';

/** Runs the reports' JavaScript computation off the caller's event loop. */
export interface Compute {
  run<T extends TaskName>(
    task: T,
    args: TaskArgs<T>,
    options?: { timeoutMs?: number },
  ): Promise<TaskResult<T>>;
}

interface Job {
  readonly task: TaskName;
  readonly args: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When the caller stops waiting: queued time counts too. */
  readonly deadline: number;
}

interface Slot {
  worker: Worker;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A small pool of worker threads for report computation (forecast fitting, k-means, silhouette).
 * A task that outlives its time limit has its worker terminated (the only way to stop
 * synchronous JavaScript) and is answered 504 QUERY_TIMEOUT, like a query cut by the engine;
 * a fresh worker takes its place. Idle workers do not keep the process alive.
 */
export class ComputePool implements Compute {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism() - 1))) {}

  run<T extends TaskName>(
    task: T,
    args: TaskArgs<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<TaskResult<T>> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        task,
        args,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      void this.dispatch();
    });
  }

  /** Stops every worker; queued and running tasks fail. */
  async close(): Promise<void> {
    const error = new Error('the compute pool is closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const slot of this.slots.splice(0)) {
      if (slot.job) {
        clearTimeout(slot.job.timer);
        slot.job.reject(error);
      }
      await slot.worker.terminate();
    }
  }

  private async dispatch(): Promise<void> {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = await this.spawn();
      if (!slot || slot.job) return;
      const job = this.queue.shift();
      if (!job) return;
      const left = job.deadline - Date.now();
      if (left <= 0) {
        job.reject(timeoutError());
        continue;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => void this.expire(slot!, id), left);
      slot.job = { ...job, id, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id, task: job.task, args: job.args });
    }
  }

  private async spawn(): Promise<Slot> {
    const worker = new Worker(await workerSource(), { eval: true });
    const slot: Slot = { worker };
    worker.unref();
    worker.on(
      'message',
      (m: {
        id: number;
        ok: boolean;
        result?: unknown;
        error?: { name: string; message: string; code?: string };
      }) => {
        const job = slot.job;
        if (!job || job.id !== m.id) return;
        clearTimeout(job.timer);
        slot.job = undefined;
        worker.unref();
        if (m.ok) job.resolve(m.result);
        else job.reject(rebuildError(m.error!));
        void this.dispatch();
      },
    );
    worker.on('error', (e) => this.lose(slot, e));
    worker.on('exit', () => this.lose(slot, new Error('a compute worker exited')));
    this.slots.push(slot);
    return slot;
  }

  /** A worker that died: its task fails, and the slot is freed for a new worker. */
  private lose(slot: Slot, error: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.job) {
      clearTimeout(slot.job.timer);
      slot.job.reject(error);
      slot.job = undefined;
    }
    void this.dispatch();
  }

  private async expire(slot: Slot, id: number): Promise<void> {
    if (slot.job?.id !== id) return;
    const job = slot.job;
    slot.job = undefined;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    job.reject(timeoutError());
    await slot.worker.terminate();
    void this.dispatch();
  }
}

function timeoutError(): AppError {
  return new AppError('QUERY_TIMEOUT', 'the computation took longer than the time limit allows');
}

/** A worker's error as thrown by the task: user mistakes (AppError codes) keep their code. */
function rebuildError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'AppError' && e.code) {
    try {
      return new AppError(e.code as never, e.message);
    } catch {
      // Not a code of the catalogue: a plain error below.
    }
  }
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

let shared: ComputePool | undefined;

/** The process's pool, made on first use. */
export function computePool(): ComputePool {
  shared ??= new ComputePool();
  return shared;
}
