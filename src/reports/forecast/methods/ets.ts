import { decompose } from '../decompose';
import { nelderMead } from '../optimize';
import { rootsInside } from '../polynomial';
import type { FittedModel, ForecastMethod } from './types';

/**
 * Exponential smoothing state space models, ETS(error, trend, season) as in Hyndman, Koehler, Ord
 * & Snyder (2008) and R's forecast::ets: error A or M, trend N, A or Ad (damped), season N, A or
 * M; the models with additive error and multiplicative season are left out (numerically
 * unstable, as in R), so 15 models on positive data and 6 (additive only) otherwise.
 */
export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  readonly error: ErrorType;
  readonly trend: TrendType;
  readonly season: SeasonType;
}

export interface EtsParams {
  readonly alpha: number;
  /** Trend smoothing in error-correction form (0 ≤ β ≤ α); 0 without a trend. */
  readonly beta: number;
  /** Seasonal smoothing (0 ≤ γ ≤ 1 − α); 0 without a season. */
  readonly gamma: number;
  /** Damping; 1 without a damped trend. */
  readonly phi: number;
}

/** Level and trend before the first observation; `season[j]` serves observations t ≡ j (mod m). */
export interface EtsState {
  readonly level: number;
  readonly trend: number;
  readonly season: readonly number[];
}

export const etsName = (s: EtsSpec) => `ETS(${s.error},${s.trend},${s.season})`;

/** The models fitted, in R's order of preference on ties. */
export function etsModels(positive: boolean, seasonal: boolean): EtsSpec[] {
  const out: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const))
    for (const trend of ['N', 'A', 'Ad'] as const)
      for (const season of seasonal ? (['N', 'A', 'M'] as const) : (['N'] as const)) {
        if (season === 'M' && (error === 'A' || !positive)) continue;
        out.push({ error, trend, season });
      }
  return out;
}

/** φ-bounds as in R's ets. */
export const ETS_PHI = [0.8, 0.98] as const;
/** Smoothing parameters stay within [1e-4, 1 − 1e-4], as R's lower and upper bounds. */
const EPS = 1e-4;

/**
 * R's `admissible` for the seasonal and non-seasonal models: the parameters give a forecastable
 * model (the discount matrix's eigenvalues inside the unit circle), through the easy bounds and
 * the characteristic polynomial of the seasonal case.
 */
export function etsAdmissible(p: EtsParams, spec: EtsSpec, m: number): boolean {
  const { alpha, gamma } = p;
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const beta = spec.trend === 'N' ? 0 : p.beta;
  if (spec.season === 'N' || m <= 1) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (spec.trend !== 'N' && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  const poly = [phi * (1 - alpha - gamma), alpha + beta - alpha * phi + gamma - 1];
  for (let i = 0; i < m - 2; i++) poly.push(alpha + beta - alpha * phi);
  poly.push(alpha + beta - phi, 1);
  return rootsInside(poly, 1 + 1e-10);
}

/**
 * Initial states as R's `initstate`: the season from a classical decomposition of the first
 * three seasons (two when that is all there is), the level and trend from a least-squares line
 * through the first max(10, 2m) seasonally adjusted values.
 */
export function etsInitialState(y: readonly number[], m: number, spec: EtsSpec): EtsState {
  let adjusted: number[] = [...y];
  let season: number[] = [];
  if (spec.season !== 'N') {
    const span = y.slice(0, Math.min(y.length, 3 * m));
    const { figure } = decompose(span, m, spec.season === 'A' ? 'additive' : 'multiplicative');
    season = spec.season === 'M' ? figure.map((s) => Math.max(s, 1e-2)) : [...figure];
    adjusted = y.map((v, t) => (spec.season === 'A' ? v - season[t % m]! : v / season[t % m]!));
  }
  const k = Math.min(Math.max(10, 2 * m), adjusted.length);
  let level: number;
  let trend = 0;
  if (spec.trend === 'N') {
    level = adjusted.slice(0, k).reduce((s, v) => s + v, 0) / k;
  } else {
    // Least squares of adjusted[t] on t = 1..k; the level one step before the first observation.
    const tm = (k + 1) / 2;
    const ym = adjusted.slice(0, k).reduce((s, v) => s + v, 0) / k;
    let sxy = 0;
    let sxx = 0;
    for (let t = 1; t <= k; t++) {
      sxy += (t - tm) * (adjusted[t - 1]! - ym);
      sxx += (t - tm) ** 2;
    }
    trend = sxx > 0 ? sxy / sxx : 0;
    level = ym - trend * tm;
    if (Math.abs(level + trend) < 1e-8) {
      level *= 1 + 1e-3;
      trend *= 1 + 1e-3;
    }
  }
  return { level, trend, season };
}

export interface EtsRun {
  /** −2 log-likelihood up to a constant (R's `lik`); Infinity when not admissible. */
  readonly lik: number;
  /** Sum of squared one-step errors (relative errors for multiplicative error). */
  readonly sse: number;
  readonly state: EtsState;
  /** One-step fitted values. */
  readonly fitted: readonly number[];
}

/**
 * The recursions for t = 0..n−1 with j = t mod m, base = ℓ + φb and r = (y − s_j or y / s_j) − base:
 * ℓ' = base + α r, b' = φb + β r, s_j' = s_j + γ(y − base − s_j) or s_j + γ(y / base − s_j). The same
 * for both error types; the likelihood differs: n·log Σe² with e = y − ŷ (A) or (y − ŷ)/ŷ (M), plus
 * 2 Σ log|ŷ| for M.
 */
export function etsFilter(
  y: readonly number[],
  m: number,
  spec: EtsSpec,
  p: EtsParams,
  init: EtsState,
  keepFitted = false,
): EtsRun {
  let level = init.level;
  let trend = init.trend;
  const seasonal = spec.season !== 'N';
  const season = seasonal ? Float64Array.from(init.season) : new Float64Array(0);
  const multSeason = spec.season === 'M';
  const multError = spec.error === 'M';
  const hasTrend = spec.trend !== 'N';
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const { alpha, beta, gamma } = p;
  const fitted: number[] = [];
  let sse = 0;
  // Σ log ŷ, as the log of running products (taken every 32 steps, so they neither over- nor underflow).
  let logs = 0;
  let product = 1;
  const n = y.length;
  let j = 0;
  const bad = { lik: Number.POSITIVE_INFINITY, sse: Number.POSITIVE_INFINITY, state: init, fitted };
  for (let t = 0; t < n; t++) {
    const base = hasTrend ? level + phi * trend : level;
    const s = seasonal ? season[j]! : 0;
    const mu = multSeason ? base * s : base + s;
    const yt = y[t]!;
    if (keepFitted) fitted.push(mu);
    if (multError) {
      if (!(mu > 0)) return bad;
      const e = (yt - mu) / mu;
      sse += e * e;
      product *= mu;
      if ((t & 31) === 31) {
        logs += Math.log(product);
        product = 1;
      }
    } else {
      const e = yt - mu;
      sse += e * e;
    }
    if (multSeason) {
      if (!(base > 0 && s > 0)) return bad;
      const r = yt / s - base;
      level = base + alpha * r;
      if (hasTrend) trend = phi * trend + beta * r;
      season[j] = s + gamma * (yt / base - s);
    } else {
      const r = yt - s - base;
      level = base + alpha * r;
      if (hasTrend) trend = phi * trend + beta * r;
      if (seasonal) season[j] = s + gamma * r;
    }
    if (seasonal && ++j === m) j = 0;
  }
  logs += Math.log(product);
  const lik = n * Math.log(sse) + 2 * logs;
  return {
    lik: Number.isFinite(lik) ? lik : Number.POSITIVE_INFINITY,
    sse,
    state: { level, trend, season: [...season] },
    fitted,
  };
}

/** ŷ(n+k) = (ℓ + (φ + … + φ^k)b) plus or times the season of n + k. */
export function etsForecast(
  state: EtsState,
  n: number,
  m: number,
  spec: EtsSpec,
  phi: number,
  h: number,
): number[] {
  const out: number[] = [];
  let damp = 0;
  for (let k = 1; k <= h; k++) {
    if (spec.trend !== 'N') damp += spec.trend === 'Ad' ? phi ** k : 1;
    const base = state.level + damp * state.trend;
    if (spec.season === 'N') out.push(base);
    else {
      const s = state.season[(n + k - 1) % m]!;
      out.push(spec.season === 'M' ? base * s : base + s);
    }
  }
  return out;
}

/** The number of parameters R counts: smoothing parameters, initial states (m − 1 seasons) and σ. */
export function etsParameterCount(spec: EtsSpec, m: number): number {
  const smoothing =
    1 + (spec.trend === 'N' ? 0 : 1) + (spec.trend === 'Ad' ? 1 : 0) + (spec.season === 'N' ? 0 : 1);
  const states = 1 + (spec.trend === 'N' ? 0 : 1) + (spec.season === 'N' ? 0 : m - 1);
  return smoothing + states + 1;
}

export interface EtsFit {
  readonly spec: EtsSpec;
  /** The optimiser's solution, a warm start for the same model on a longer series. */
  readonly x: readonly number[];
  readonly params: EtsParams;
  readonly initial: EtsState;
  readonly run: EtsRun;
  readonly aicc: number;
  /** σ² = Σe² / (n − parameters), of the (relative, for M error) one-step errors. */
  readonly sigma2: number;
  readonly n: number;
}

/**
 * Maximum likelihood for one model: α, β, γ, φ and the initial level and trend by bounded
 * Nelder–Mead (R's "usual" bounds, 0 ≤ β ≤ α, 0 ≤ γ ≤ 1 − α, φ in [0.8, 0.98], through
 * β = α·b and γ = (1 − α)·g with b, g in [0, 1]); parameters outside R's admissible region
 * are refused. The seasonal initial states stay those of `etsInitialState`.
 */
export function fitEtsModel(
  y: readonly number[],
  m: number,
  spec: EtsSpec,
  warm?: readonly number[],
): EtsFit | undefined {
  const n = y.length;
  const k = etsParameterCount(spec, m);
  if (n <= k + 1) return undefined;
  let init: EtsState;
  try {
    init = etsInitialState(y, m, spec);
  } catch {
    return undefined;
  }
  const hasTrend = spec.trend !== 'N';
  const seasonal = spec.season !== 'N';
  const damped = spec.trend === 'Ad';
  // The scale of the level and trend search: the spread of the one-step changes.
  let spread = 0;
  for (let t = 1; t < n; t++) spread += Math.abs(y[t]! - y[t - 1]!);
  spread = Math.max(spread / (n - 1), 1e-8 * (Math.abs(init.level) + 1));
  // x = [α, b, g, φ, level offset, trend offset], only those the model has.
  const names: string[] = ['alpha'];
  const lower: number[] = [EPS];
  const upper: number[] = [1 - EPS];
  const x0: number[] = [seasonal ? 0.2 : 0.5];
  const add = (name: string, lo: number, hi: number, start: number) => {
    names.push(name);
    lower.push(lo);
    upper.push(hi);
    x0.push(start);
  };
  if (hasTrend) add('b', 0, 1, 0.1);
  if (seasonal) add('g', 0, 1, 0.1);
  if (damped) add('phi', ETS_PHI[0], ETS_PHI[1], 0.95);
  // The initial level and trend as offsets from etsInitialState's, in units of that spread.
  add('l', -3, 3, 0);
  if (hasTrend) add('tr', -1, 1, 0);
  const at = (x: readonly number[]) => {
    let i = 0;
    const alpha = x[i++]!;
    const beta = hasTrend ? Math.max(EPS / 10, alpha * x[i++]!) : 0;
    const gamma = seasonal ? Math.max(EPS / 10, (1 - alpha) * x[i++]!) : 0;
    const phi = damped ? x[i++]! : 1;
    const level = init.level + spread * x[i++]!;
    const trend = hasTrend ? init.trend + spread * x[i++]! : 0;
    return { params: { alpha, beta, gamma, phi }, state: { level, trend, season: init.season } };
  };
  const objective = (x: readonly number[]) => {
    const { params, state } = at(x);
    if (!etsAdmissible(params, spec, m)) return Number.POSITIVE_INFINITY;
    return etsFilter(y, m, spec, params, state).lik;
  };
  const box = { lower, upper };
  // From a warm start (the same model on a shorter part of this series), one small simplex.
  const fromWarm = warm !== undefined && warm.length === x0.length && Number.isFinite(objective(warm));
  let best = fromWarm
    ? nelderMead(objective, [...warm], box, 100 * names.length, 1e-7, 1e-3, 0.02)
    : nelderMead(objective, x0, box, 150 * names.length, 1e-7, 1e-3);
  const again = nelderMead(objective, best.x, box, 60 * names.length, 1e-7, 1e-3, fromWarm ? 0.02 : 0.1);
  if (again.value < best.value) best = again;
  if (!Number.isFinite(best.value)) return undefined;
  const { params, state } = at(best.x);
  const run = etsFilter(y, m, spec, params, state, true);
  if (!Number.isFinite(run.lik)) return undefined;
  const aic = run.lik + 2 * k;
  const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
  return { spec, x: best.x, params, initial: state, run, aicc, sigma2: run.sse / Math.max(1, n - k), n };
}

/** Warm starts by model name (`etsName`). */
export type EtsWarm = ReadonlyMap<string, readonly number[]>;

/**
 * The smallest AICc over the models that apply (ties: the order of `etsModels`), and every
 * model's solution as warm starts for a longer series.
 */
export function selectEts(
  y: readonly number[],
  m: number,
  warm?: EtsWarm,
): { best: EtsFit | undefined; warm: EtsWarm } {
  const positive = y.every((v) => v > 0);
  const seasonal = m > 1 && y.length >= 2 * m;
  let best: EtsFit | undefined;
  const next = new Map<string, readonly number[]>();
  for (const spec of etsModels(positive, seasonal)) {
    const fit = fitEtsModel(y, m, spec, warm?.get(etsName(spec)));
    if (!fit) continue;
    next.set(etsName(spec), fit.x);
    if (best === undefined || fit.aicc < best.aicc) best = fit;
  }
  return { best, warm: next };
}

/**
 * The forecast variance at steps 1..h. Additive error: σ²(1 + Σ_{j<k} c_j²) with
 * c_j = α + β(φ + … + φ^j) + γ·[j ≡ 0 mod m] (Hyndman et al. 2008, class 1). Multiplicative error:
 * the same with σ² relative to the point forecast, i.e. ŷ(k)²σ²(1 + Σ c_j²), a first-order
 * approximation.
 */
export function etsVariance(fit: EtsFit, m: number, forecast: readonly number[]): number[] {
  const { alpha, beta, gamma, phi } = fit.params;
  const { spec } = fit;
  const out: number[] = [];
  let sum = 0;
  let damp = 0;
  for (let k = 1; k <= forecast.length; k++) {
    if (k > 1) {
      const j = k - 1;
      damp += spec.trend === 'Ad' ? phi ** j : 1;
      const c =
        alpha + (spec.trend === 'N' ? 0 : beta * damp) + (spec.season !== 'N' && j % m === 0 ? gamma : 0);
      sum += c * c;
    }
    const v = fit.sigma2 * (1 + sum);
    out.push(spec.error === 'M' ? v * forecast[k - 1]! ** 2 : v);
  }
  return out;
}

export const ets: ForecastMethod = {
  name: 'ets',
  minLength: () => 4,
  unsuitable: () => undefined,
  fit(y, m, warm): FittedModel {
    const selected = selectEts(y, m, warm instanceof Map ? (warm as EtsWarm) : undefined);
    const fit = selected.best;
    if (!fit) throw new Error('ets: no model could be fitted');
    const n = y.length;
    const k = etsParameterCount(fit.spec, m);
    return {
      method: 'ets',
      forecast: (h) => etsForecast(fit.run.state, n, m, fit.spec, fit.params.phi, h),
      variance: (h) => etsVariance(fit, m, etsForecast(fit.run.state, n, m, fit.spec, fit.params.phi, h)),
      sigma: Math.sqrt(y.reduce((a, v, t) => a + (v - fit.run.fitted[t]!) ** 2, 0) / Math.max(1, n - k)),
      df: Math.max(1, n - k),
      warm: selected.warm,
      params: {
        model: etsName(fit.spec),
        ...fit.params,
        aicc: fit.aicc,
        sigma2: fit.sigma2,
        initial: fit.initial,
        final: fit.run.state,
      },
    };
  },
};
