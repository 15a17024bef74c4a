import { describe, expect, it } from 'vitest';
import { Memo, memoKey } from '../../src/reports/customer360/memo';

describe('the per-version memo', () => {
  it('computes a key once, also for callers that arrive while it runs', async () => {
    const memo = new Memo<number>(2);
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return 7;
    };
    const key = memoKey(3, '2026-07-01');
    expect(await Promise.all([memo.get(key, compute), memo.get(key, compute)])).toEqual([7, 7]);
    expect(await memo.get(key, compute)).toBe(7);
    expect(runs).toBe(1);
  });

  it('forgets the least recently used key beyond its capacity', async () => {
    const memo = new Memo<string>(2);
    const runs: string[] = [];
    const get = (k: string) =>
      memo.get(k, async () => {
        runs.push(k);
        return k;
      });
    await get('a');
    await get('b');
    await get('a');
    await get('c');
    await get('a');
    await get('b');
    expect(runs).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not remember a failure', async () => {
    const memo = new Memo<number>();
    await expect(memo.get('k', () => Promise.reject(new Error('engine down')))).rejects.toThrow(
      'engine down',
    );
    expect(await memo.get('k', async () => 1)).toBe(1);
  });
});
