import { createHash } from 'node:crypto';
import type { SecurityContext } from '../../model/access/types';

/**
 * Users of keys verified recently, so a client's every request does not pay for scrypt (tens of
 * milliseconds of CPU by design). Keyed by a SHA-256 of the key, never the key itself; only
 * successes are kept, and each for `ttlMs`, so a revoked key stops working within that time.
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, { user: SecurityContext; until: number }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly capacity = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  private digest(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  get(key: string): SecurityContext | undefined {
    const d = this.digest(key);
    const hit = this.entries.get(d);
    if (!hit) return undefined;
    if (hit.until <= this.clock()) {
      this.entries.delete(d);
      return undefined;
    }
    return hit.user;
  }

  clear(): void {
    this.entries.clear();
  }

  set(key: string, user: SecurityContext): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(this.digest(key), { user, until: this.clock() + this.ttlMs });
  }
}
