import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DATA = join(dirname(fileURLToPath(import.meta.url)), '.data');

export function freshFile(name: string): string {
  mkdirSync(BENCH_DATA, { recursive: true });
  const path = join(BENCH_DATA, name);
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return path;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await body();
  return { ms: performance.now() - t, result };
}

export function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
