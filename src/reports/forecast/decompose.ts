export type DecomposeType = 'additive' | 'multiplicative';

export interface Decomposition {
  /** The centred moving average; NaN for the first and last ⌊m/2⌋ periods. */
  readonly trend: readonly number[];
  /** The seasonal index of each position j = t mod m (sum 0, or mean 1 when multiplicative). */
  readonly figure: readonly number[];
}

/**
 * Classical decomposition as R's `decompose`: the trend is the centred moving average of order m
 * (2×m when m is even), each season position's index is the mean of its detrended values
 * (differences or ratios), then centred to sum 0 (additive) or to mean 1 (multiplicative).
 * Positions count from the first observation. Needs at least 2m observations.
 */
export function decompose(y: readonly number[], m: number, type: DecomposeType): Decomposition {
  const n = y.length;
  if (n < 2 * m) throw new Error(`decompose: needs at least ${2 * m} observations, got ${n}`);
  const half = Math.floor(m / 2);
  const trend = new Array<number>(n).fill(Number.NaN);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      s = 0.5 * (y[t - half]! + y[t + half]!);
      for (let i = t - half + 1; i < t + half; i++) s += y[i]!;
    } else {
      for (let i = t - half; i <= t + half; i++) s += y[i]!;
    }
    trend[t] = s / m;
  }
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    const d = type === 'additive' ? y[t]! - trend[t]! : y[t]! / trend[t]!;
    sums[t % m]! += d;
    counts[t % m]!++;
  }
  const raw = sums.map((s, j) => s / counts[j]!);
  const centre = raw.reduce((a, b) => a + b, 0) / m;
  const figure = raw.map((v) => (type === 'additive' ? v - centre : v / centre));
  return { trend, figure };
}
