/**
 * Results worth computing once per warehouse version (and reference date): the few most recent
 * keys are kept, concurrent callers of one key share one computation, and a failure is not
 * remembered.
 */
export class Memo<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity = 4) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map order is the eviction order, oldest use first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const work = compute();
    this.entries.set(key, work);
    work.catch(() => {
      if (this.entries.get(key) === work) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return work;
  }
}

export function memoKey(...parts: readonly (string | number | null)[]): string {
  return JSON.stringify(parts);
}
