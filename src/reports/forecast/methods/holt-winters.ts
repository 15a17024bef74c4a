import { minimiseInBox } from '../optimize';
import type { FittedModel, ForecastMethod, MethodName } from './types';

export type Seasonality = 'additive' | 'multiplicative';

export interface HwSpec {
  readonly seasonality: Seasonality;
  readonly damped: boolean;
}

export interface HwParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  /** Trend damping; 1 without damping. */
  readonly phi: number;
}

/** Level and trend before the next observation; `season[j]` serves observations t ≡ j (mod m). */
export interface HwState {
  readonly level: number;
  readonly trend: number;
  readonly season: readonly number[];
}

export interface HwRun {
  /** Sum of squared one-step errors; Infinity when a multiplicative base is not positive. */
  readonly sse: number;
  readonly errors: readonly number[];
  readonly state: HwState;
}

/** φ-bounds as in Hyndman & Athanasopoulos' ets (a damped trend that damps). */
export const PHI_RANGE = [0.8, 0.98] as const;

/**
 * Initial states from the first two seasons: trend = (mean of season 2 − mean of season 1) / m,
 * a trend line through the mean of season 1 at its middle, the level one step before the first
 * observation on that line, and each season position the mean of its two deviations (additive)
 * or ratios (multiplicative) from the line, normalised to sum 0 / mean 1. Undefined when a
 * multiplicative trend line is not positive.
 */
export function hwInitialState(
  y: readonly number[],
  m: number,
  seasonality: Seasonality,
): HwState | undefined {
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < m; i++) {
    m1 += y[i]! / m;
    m2 += y[i + m]! / m;
  }
  const trend = (m2 - m1) / m;
  const line = (t: number) => m1 + (t - (m - 1) / 2) * trend;
  const season: number[] = [];
  for (let i = 0; i < m; i++) {
    if (seasonality === 'additive') season.push((y[i]! - line(i) + y[i + m]! - line(i + m)) / 2);
    else {
      if (line(i) <= 0 || line(i + m) <= 0) return undefined;
      season.push((y[i]! / line(i) + y[i + m]! / line(i + m)) / 2);
    }
  }
  const centre = season.reduce((s, v) => s + v, 0) / m;
  return {
    level: line(-1),
    trend,
    season: season.map((s) => (seasonality === 'additive' ? s - centre : s / centre)),
  };
}

/**
 * The Holt-Winters recursions in Hyndman & Athanasopoulos' component form (FPP2 §7.3), for
 * t = 0..n−1 with j = t mod m and base = ℓ + φb:
 * additive ŷ = base + s_j, ℓ' = α(y − s_j) + (1−α)base, b' = β(ℓ' − ℓ) + (1−β)φb, s_j' = γ(y − base) + (1−γ)s_j;
 * multiplicative ŷ = base·s_j, ℓ' = α y/s_j + (1−α)base, b' as above, s_j' = γ y/base + (1−γ)s_j.
 */
export function hwFilter(y: readonly number[], m: number, spec: HwSpec, p: HwParams, init: HwState): HwRun {
  let level = init.level;
  let trend = init.trend;
  const season = [...init.season];
  const errors: number[] = [];
  let sse = 0;
  const mult = spec.seasonality === 'multiplicative';
  for (let t = 0; t < y.length; t++) {
    const j = t % m;
    const s = season[j]!;
    const base = level + p.phi * trend;
    if (mult && (base <= 0 || s <= 0)) {
      return { sse: Number.POSITIVE_INFINITY, errors, state: { level, trend, season } };
    }
    const yt = y[t]!;
    const e = yt - (mult ? base * s : base + s);
    errors.push(e);
    sse += e * e;
    const next = p.alpha * (mult ? yt / s : yt - s) + (1 - p.alpha) * base;
    trend = p.beta * (next - level) + (1 - p.beta) * p.phi * trend;
    season[j] = p.gamma * (mult ? yt / base : yt - base) + (1 - p.gamma) * s;
    level = next;
  }
  return {
    sse: Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY,
    errors,
    state: { level, trend, season },
  };
}

/** ŷ(n+k) = ℓ + (φ + … + φ^k)b, plus (additive) or times (multiplicative) the season of n+k. */
export function hwForecast(
  state: HwState,
  n: number,
  m: number,
  spec: HwSpec,
  phi: number,
  h: number,
): number[] {
  const out: number[] = [];
  let damp = 0;
  for (let k = 1; k <= h; k++) {
    damp += phi ** k;
    const base = state.level + damp * state.trend;
    const s = state.season[(n + k - 1) % m]!;
    out.push(spec.seasonality === 'multiplicative' ? base * s : base + s);
  }
  return out;
}

const LEVELS = {
  alpha: [0.05, 0.2, 0.5, 0.8, 0.95],
  beta: [0.01, 0.1, 0.3, 0.6],
  gamma: [0.01, 0.1, 0.3, 0.6],
  phi: [0.8, 0.9, 0.98],
};

/** α, β, γ (and φ) minimising the squared one-step errors: grid, then bounded Nelder–Mead. */
export function fitHoltWintersParams(
  y: readonly number[],
  m: number,
  spec: HwSpec,
  init: HwState,
): { params: HwParams; run: HwRun } {
  const toParams = (x: readonly number[]): HwParams => ({
    alpha: x[0]!,
    beta: x[1]!,
    gamma: x[2]!,
    phi: spec.damped ? x[3]! : 1,
  });
  const sse = (x: readonly number[]) => hwFilter(y, m, spec, toParams(x), init).sse;
  const box = spec.damped
    ? { lower: [0, 0, 0, PHI_RANGE[0]], upper: [1, 1, 1, PHI_RANGE[1]] }
    : { lower: [0, 0, 0], upper: [1, 1, 1] };
  const levels = [LEVELS.alpha, LEVELS.beta, LEVELS.gamma, ...(spec.damped ? [LEVELS.phi] : [])];
  const best = minimiseInBox(sse, box, levels);
  const params = toParams(best.x);
  return { params, run: hwFilter(y, m, spec, params, init) };
}

function holtWinters(name: MethodName, spec: HwSpec): ForecastMethod {
  return {
    name,
    minLength: (m) => 2 * m,
    unsuitable(y, m) {
      if (spec.seasonality !== 'multiplicative') return undefined;
      if (y.some((v) => v <= 0))
        return 'multiplicative seasonality needs positive values; the series has zeros or negatives';
      if (y.length >= 2 * m && !hwInitialState(y, m, 'multiplicative'))
        return 'multiplicative seasonality needs a positive initial trend line';
      return undefined;
    },
    fit(y, m): FittedModel {
      const init = hwInitialState(y, m, spec.seasonality);
      if (!init) throw new Error(`${name}: no admissible initial state`);
      const { params, run } = fitHoltWintersParams(y, m, spec, init);
      if (!Number.isFinite(run.sse)) throw new Error(`${name}: no admissible parameters`);
      return {
        method: name,
        forecast: (h) => hwForecast(run.state, y.length, m, spec, params.phi, h),
        sigma: Math.sqrt(run.sse / y.length),
        df: y.length - (spec.damped ? 4 : 3),
        params: { ...params, sse: run.sse, initial: init, final: run.state },
      };
    },
  };
}

export const hwAdditive = holtWinters('holt_winters_additive', { seasonality: 'additive', damped: false });
export const hwMultiplicative = holtWinters('holt_winters_multiplicative', {
  seasonality: 'multiplicative',
  damped: false,
});
export const hwAdditiveDamped = holtWinters('holt_winters_additive_damped', {
  seasonality: 'additive',
  damped: true,
});
export const hwMultiplicativeDamped = holtWinters('holt_winters_multiplicative_damped', {
  seasonality: 'multiplicative',
  damped: true,
});
