/**
 * Failed credential checks per client address in the current minute. Past the limit, the
 * address's unverified credentials are refused before they are checked: each check of a
 * well-formed key costs a scrypt (tens of milliseconds of CPU), so guessing is a way to load the
 * server, and the general rate limit allows far more requests than anyone fails to sign in.
 */
export class FailedAttempts {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    readonly perMinute = 30,
    private readonly clock: () => number = Date.now,
    private readonly capacity = 100_000,
  ) {}

  private current(): Map<string, number> {
    const w = Math.floor(this.clock() / 60_000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
    return this.counts;
  }

  exhausted(address: string): boolean {
    return (this.current().get(address) ?? 0) >= this.perMinute;
  }

  record(address: string): void {
    const counts = this.current();
    if (counts.size >= this.capacity) counts.clear();
    counts.set(address, (counts.get(address) ?? 0) + 1);
  }

  /** Seconds until the counts start over. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(60 - (this.clock() % 60_000) / 1000));
  }
}
