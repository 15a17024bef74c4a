import { decompose } from '../decompose';

/**
 * How much auto.arima differences a series before fitting: D (seasonal) from the seasonal
 * strength of a classical decomposition, then d by repeated KPSS tests (arima.ts fits the rest).
 */

/** (1 − B)^d (1 − B^m)^D y. */
export function difference(y: readonly number[], d: number, D: number, m: number): number[] {
  let w = [...y];
  for (let i = 0; i < D; i++) w = w.slice(m).map((v, t) => v - w[t]!);
  for (let i = 0; i < d; i++) w = w.slice(1).map((v, t) => v - w[t]!);
  return w;
}

/** Seasonal strength max(0, 1 − var(R) / var(S + R)) of a classical additive decomposition. */
export function seasonalStrength(y: readonly number[], m: number): number {
  if (m <= 1 || y.length < 2 * m + 1) return 0;
  // On the log scale for positive data, where seasonality is usually multiplicative.
  const x = y.every((v) => v > 0) ? y.map(Math.log) : y;
  const { trend, figure } = decompose(x, m, 'additive');
  const r: number[] = [];
  const sr: number[] = [];
  x.forEach((v, t) => {
    if (Number.isNaN(trend[t]!)) return;
    r.push(v - trend[t]! - figure[t % m]!);
    sr.push(v - trend[t]!);
  });
  const variance = (xs: number[]) => {
    const mu = xs.reduce((s, x) => s + x, 0) / xs.length;
    return xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1);
  };
  const vsr = variance(sr);
  return vsr > 0 ? Math.max(0, 1 - variance(r) / vsr) : 0;
}

/**
 * The KPSS level-stationarity statistic (Kwiatkowski et al. 1992) with the Newey–West long-run
 * variance over ⌊4(n/100)^¼⌋ lags (R's urca "short"); above 0.463 rejects stationarity at 5%.
 */
export function kpss(x: readonly number[]): number {
  const n = x.length;
  const mu = x.reduce((s, v) => s + v, 0) / n;
  const e = x.map((v) => v - mu);
  let s = 0;
  let eta = 0;
  for (const v of e) {
    s += v;
    eta += s * s;
  }
  eta /= n * n;
  const lags = Math.floor(4 * (n / 100) ** 0.25);
  let lrv = e.reduce((a, v) => a + v * v, 0) / n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += e[t]! * e[t - l]!;
    lrv += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return lrv > 0 ? eta / lrv : 0;
}

const KPSS_5 = 0.463;

/** d and D as auto.arima: D from the seasonal strength, then d ≤ 2 by KPSS on the result. */
export function chooseDifferencing(y: readonly number[], m: number): { d: number; D: number } {
  const D = m > 1 && y.length >= 2 * m + 1 && seasonalStrength(y, m) > 0.64 ? 1 : 0;
  let w = difference(y, 0, D, m);
  let d = 0;
  const constant = (xs: readonly number[]) => xs.every((v) => v === xs[0]);
  while (d < 2 && w.length > 10 && !constant(w) && kpss(w) > KPSS_5) {
    w = difference(w, 1, 0, m);
    d++;
  }
  return { d, D };
}
