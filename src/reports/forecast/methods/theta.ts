import { decompose } from '../decompose';
import { nelderMead } from '../optimize';
import type { FittedModel, ForecastMethod } from './types';

/** Φ⁻¹(0.95): the one-sided 5% test of the seasonal autocorrelation. */
const Z90 = 1.6448536269514722;

/**
 * Whether the series is seasonal as R's thetaf tests it: the autocorrelation at lag m exceeds
 * 1.645 times its standard error under the hypothesis of no correlation beyond lag m − 1,
 * √((1 + 2 Σ_{k<m} r_k²) / n). Needs more than two seasons.
 */
export function seasonalByAcf(y: readonly number[], m: number): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let c0 = 0;
  for (const v of y) c0 += (v - mean) ** 2;
  if (!(c0 > 0)) return false;
  const r: number[] = [];
  for (let k = 1; k <= m; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += (y[t]! - mean) * (y[t + k]! - mean);
    r.push(c / c0);
  }
  let sum = 0;
  for (let k = 0; k < m - 1; k++) sum += r[k]! ** 2;
  const se = Math.sqrt((1 + 2 * sum) / n);
  return Math.abs(r[m - 1]!) / se > Z90;
}

export interface SesFit {
  readonly alpha: number;
  readonly level0: number;
  /** The level after the last observation: the SES forecast. */
  readonly level: number;
  readonly sse: number;
}

/** Simple exponential smoothing, α and the initial level by least squares of the one-step errors. */
export function fitSes(y: readonly number[]): SesFit {
  const n = y.length;
  const run = (alpha: number, l0: number) => {
    let l = l0;
    let sse = 0;
    for (let t = 0; t < n; t++) {
      const e = y[t]! - l;
      sse += e * e;
      l += alpha * e;
    }
    return { l, sse };
  };
  const k = Math.min(n, 10);
  const start = y.slice(0, k).reduce((s, v) => s + v, 0) / k;
  let spread = 0;
  for (let t = 1; t < n; t++) spread += Math.abs(y[t]! - y[t - 1]!);
  spread = Math.max(spread / Math.max(1, n - 1), 1e-8 * (Math.abs(start) + 1));
  const box = { lower: [1e-4, start - 5 * spread], upper: [1 - 1e-4, start + 5 * spread] };
  let best = { x: [0.5, start], value: Number.POSITIVE_INFINITY };
  for (const a of [0.1, 0.5, 0.9]) {
    const r = nelderMead((x) => run(x[0]!, x[1]!).sse, [a, start], box, 300);
    if (r.value < best.value) best = r;
  }
  const [alpha, level0] = best.x as [number, number];
  const { l, sse } = run(alpha, level0);
  return { alpha, level0, level: l, sse };
}

/**
 * The Theta method as R's forecast::thetaf (Assimakopoulos & Nikolopoulos 2000, in Hyndman &
 * Billah's 2003 form): when the lag-m autocorrelation says the series is seasonal, it is
 * seasonally adjusted by a classical multiplicative decomposition (additive when it has values
 * ≤ 0); simple exponential smoothing of the adjusted series plus half the slope b of its
 * least-squares line, ŷ(n+k) = ℓ + b/2 · (k − 1 + (1 − (1 − α)^n)/α), seasonality put back.
 * Error sd at step k: σ√(1 + (k − 1)α²) (scaled by the season index when multiplicative).
 */
export function fitTheta(y: readonly number[], m: number) {
  const n = y.length;
  const seasonal = seasonalByAcf(y, m);
  const type = y.every((v) => v > 0) ? 'multiplicative' : 'additive';
  const figure = seasonal ? decompose(y, m, type).figure : undefined;
  const usable = figure !== undefined && (type === 'additive' || figure.every((s) => Math.abs(s) >= 1e-4));
  const adjusted = usable
    ? y.map((v, t) => (type === 'multiplicative' ? v / figure[t % m]! : v - figure[t % m]!))
    : [...y];
  const ses = fitSes(adjusted);
  const tm = (n - 1) / 2;
  const ym = adjusted.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  adjusted.forEach((v, t) => {
    sxy += (t - tm) * (v - ym);
    sxx += (t - tm) ** 2;
  });
  const drift = sxx > 0 ? sxy / sxx / 2 : 0;
  const alpha = Math.max(1e-10, ses.alpha);
  const sigma2 = ses.sse / Math.max(1, n - 2);
  const seasonOf = (k: number) => (usable ? figure[(n + k - 1) % m]! : type === 'multiplicative' ? 1 : 0);
  const forecast = (h: number) =>
    Array.from({ length: h }, (_, i) => {
      const k = i + 1;
      const base = ses.level + drift * (k - 1 + (1 - (1 - alpha) ** n) / alpha);
      const s = seasonOf(k);
      return type === 'multiplicative' ? base * s : base + s;
    });
  const variance = (h: number) =>
    Array.from({ length: h }, (_, i) => {
      const v = sigma2 * (1 + i * alpha * alpha);
      const s = seasonOf(i + 1);
      return type === 'multiplicative' ? v * s * s : v;
    });
  return { seasonal: usable, type, figure: usable ? figure : null, ses, drift, sigma2, forecast, variance };
}

export const theta: ForecastMethod = {
  name: 'theta',
  minLength: () => 4,
  unsuitable: () => undefined,
  fit(y, m): FittedModel {
    const f = fitTheta(y, m);
    return {
      method: 'theta',
      forecast: f.forecast,
      variance: f.variance,
      sigma: Math.sqrt(f.sigma2),
      df: Math.max(1, y.length - 3),
      params: {
        seasonal: f.seasonal,
        decomposition: f.seasonal ? f.type : null,
        season_index: f.figure,
        alpha: f.ses.alpha,
        level: f.ses.level,
        drift: f.drift,
        sigma2: f.sigma2,
      },
    };
  },
};
