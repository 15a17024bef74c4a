import { AppError } from '../../errors';

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * At most `permits` holders at once; the rest wait in arrival order, each for at most
 * `queueTimeoutMs`, after which it fails with SERVER_BUSY (and a retry hint in seconds).
 */
export class Semaphore {
  private held = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly permits: number,
    private readonly queueTimeoutMs: number,
  ) {}

  /** Holders now, and waiters in the queue. */
  get stats(): { running: number; queued: number } {
    return { running: this.held, queued: this.queue.length };
  }

  /** Resolves with a release function once a permit is free. */
  acquire(): Promise<() => void> {
    if (this.held < this.permits) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.releaser());
        },
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(
            new AppError(
              'SERVER_BUSY',
              `${this.permits} queries are running and this one waited ${this.queueTimeoutMs} ms for its turn; retry later`,
              { retryAfterSeconds: Math.max(1, Math.ceil(this.queueTimeoutMs / 1000)) },
            ),
          );
        }, this.queueTimeoutMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Runs `body` holding a permit. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await body();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The permit passes straight to the next waiter, so `held` stays the same.
      if (next) next.grant();
      else this.held--;
    };
  }
}
