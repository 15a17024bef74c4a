import { nelderMead } from '../optimize';
import { polyMultiply, rootsOutside } from '../polynomial';
import { chooseDifferencing, difference } from './arima-differencing';
import type { FittedModel, ForecastMethod } from './types';

/**
 * Seasonal ARIMA(p,d,q)(P,D,Q)m chosen as R's forecast::auto.arima chooses it (Hyndman &
 * Khandakar 2008), in a lighter form: D = 1 when the seasonal strength of a classical
 * decomposition exceeds 0.64, d by repeated KPSS tests at 5%, then a stepwise search over
 * p, q ≤ 3 and P, Q ≤ 1 by AICc, each model fitted by conditional sum of squares with a
 * stationary AR and an invertible MA.
 */
export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  /** A mean (d + D = 0) or a drift (d + D = 1). */
  readonly constant: boolean;
}

export interface ArimaFit {
  readonly order: ArimaOrder;
  readonly m: number;
  readonly ar: readonly number[];
  readonly ma: readonly number[];
  readonly sar: readonly number[];
  readonly sma: readonly number[];
  /** The mean of the differenced series (with a constant), else 0. */
  readonly mean: number;
  readonly sigma2: number;
  readonly aicc: number;
  /** The differenced series and its residuals, which the forecast continues. */
  readonly w: readonly number[];
  readonly residuals: readonly number[];
}

export const arimaName = (o: ArimaOrder, m: number) =>
  `ARIMA(${o.p},${o.d},${o.q})(${o.P},${o.D},${o.Q})[${m}]${o.constant ? (o.d + o.D === 1 ? ' with drift' : ' with mean') : ''}`;

/** 1 − c1 z − … as coefficients in ascending powers (AR), 1 + c1 z + … (MA). */
const arPoly = (c: readonly number[], lag = 1) => {
  const out = new Array<number>(c.length * lag + 1).fill(0);
  out[0] = 1;
  c.forEach((v, i) => {
    out[(i + 1) * lag] = -v;
  });
  return out;
};
const maPoly = (c: readonly number[], lag = 1) => {
  const out = new Array<number>(c.length * lag + 1).fill(0);
  out[0] = 1;
  c.forEach((v, i) => {
    out[(i + 1) * lag] = v;
  });
  return out;
};

/** Non-zero lags of a polynomial beyond the constant: [lag, coefficient]. */
const terms = (poly: readonly number[]) =>
  poly.flatMap((c, lag) => (lag > 0 && c !== 0 ? [[lag, c] as [number, number]] : []));

/**
 * Whether 1 + sign·(c1 z + c2 z² + …) has every root outside the circle of radius 1.001
 * (stationary AR with sign −1, invertible MA with sign +1); orders 1 and 2 in closed form.
 */
function stable(c: readonly number[], sign: number): boolean {
  const r = 1.001;
  if (c.length === 0) return true;
  if (c.length === 1) return Math.abs(c[0]!) * r < 1;
  if (c.length === 2) {
    // z² + a1 z + a2 with the reciprocal roots, scaled by r: Schur–Cohn for degree 2.
    const a1 = sign * c[0]! * r;
    const a2 = sign * c[1]! * r * r;
    return Math.abs(a2) < 1 && Math.abs(a1) < 1 + a2;
  }
  return rootsOutside(sign < 0 ? arPoly(c) : maPoly(c), r);
}

/** The non-zero terms (lag ≥ 1) of (1 + sign·Σ c_i B^i)(1 + sign·Σ C_j B^{jm}). */
function productTerms(c: readonly number[], C: readonly number[], m: number, sign: number): number[] {
  const out: number[] = [];
  for (let j = 0; j <= C.length; j++) {
    const cj = j === 0 ? 1 : sign * C[j - 1]!;
    for (let i = 0; i <= c.length; i++) {
      if (i === 0 && j === 0) continue;
      const ci = i === 0 ? 1 : sign * c[i - 1]!;
      out.push(i + j * m, ci * cj);
    }
  }
  return out;
}

/** `css`'s sum of squares on flat (lag, coefficient) lists, residuals in a reused buffer. */
function cssFast(w: Float64Array, ar: number[], ma: number[], mean: number, e: Float64Array): number {
  let start = 0;
  for (let i = 0; i < ar.length; i += 2) start = Math.max(start, ar[i]!);
  const n = w.length;
  e.fill(0, 0, start);
  let sse = 0;
  for (let t = start; t < n; t++) {
    let v = w[t]! - mean;
    for (let i = 0; i < ar.length; i += 2) v += ar[i + 1]! * (w[t - ar[i]!]! - mean);
    for (let i = 0; i < ma.length; i += 2) {
      const lag = ma[i]!;
      if (t - lag >= 0) v -= ma[i + 1]! * e[t - lag]!;
    }
    e[t] = v;
    sse += v * v;
  }
  return sse;
}

interface Css {
  readonly sse: number;
  readonly count: number;
  readonly residuals: number[];
}

/**
 * Conditional sum of squares: with A(B) = φ(B)Φ(B^m) and M(B) = θ(B)Θ(B^m),
 * e_t = A(B)(w_t − μ) − (M(B) − 1)e_t for t ≥ the AR order, earlier residuals 0.
 */
function css(w: readonly number[], a: readonly number[], mPoly: readonly number[], mean: number): Css {
  const arTerms = terms(a);
  const maTerms = terms(mPoly);
  const start = a.length - 1;
  const n = w.length;
  const e = new Array<number>(n).fill(0);
  let sse = 0;
  for (let t = start; t < n; t++) {
    let v = w[t]! - mean;
    for (const [lag, c] of arTerms) v += c * (w[t - lag]! - mean);
    for (const [lag, c] of maTerms) if (t - lag >= 0) v -= c * e[t - lag]!;
    e[t] = v;
    sse += v * v;
  }
  return { sse, count: n - start, residuals: e };
}

function unpack(x: readonly number[], o: ArimaOrder) {
  let i = 0;
  const take = (k: number) => {
    const out = x.slice(i, i + k);
    i += k;
    return out;
  };
  const ar = take(o.p);
  const ma = take(o.q);
  const sar = take(o.P);
  const sma = take(o.Q);
  const mean = o.constant ? x[i]! : 0;
  return { ar, ma, sar, sma, mean };
}

/** One model by conditional sum of squares; undefined when too short or no admissible fit. */
export function fitArimaOrder(
  y: readonly number[],
  m: number,
  o: ArimaOrder,
  start?: readonly number[],
): (ArimaFit & { x: number[] }) | undefined {
  const w = difference(y, o.d, o.D, m);
  const k = o.p + o.q + o.P + o.Q + (o.constant ? 1 : 0);
  const lagAr = o.p + o.P * m;
  if (w.length - lagAr < k + 3 || w.length < 3) return undefined;
  const wMean = w.reduce((s, v) => s + v, 0) / w.length;
  let wSd = 0;
  for (const v of w) wSd += (v - wMean) ** 2;
  wSd = Math.sqrt(wSd / w.length) || 1;
  const polys = (x: readonly number[]) => {
    const u = unpack(x, o);
    u.mean = o.constant ? wMean + wSd * u.mean : 0;
    return {
      ...u,
      a: polyMultiply(arPoly(u.ar), arPoly(u.sar, m)),
      b: polyMultiply(maPoly(u.ma), maPoly(u.sma, m)),
    };
  };
  const admissible = (u: ReturnType<typeof unpack>) =>
    stable(u.ar, -1) && stable(u.sar, -1) && stable(u.ma, 1) && stable(u.sma, 1);
  // The objective's hot path: product polynomials as (lag, coefficient) lists, a reused buffer.
  const buffer = new Float64Array(w.length);
  const wv = Float64Array.from(w);
  const objective = (x: readonly number[]) => {
    const u = unpack(x, o);
    if (!admissible(u)) return Number.POSITIVE_INFINITY;
    const mean = o.constant ? wMean + wSd * u.mean : 0;
    return cssFast(wv, productTerms(u.ar, u.sar, m, -1), productTerms(u.ma, u.sma, m, 1), mean, buffer);
  };
  // The mean is searched in units of the differenced series' sd, from its sample mean.
  const x0 = start ? [...start] : new Array<number>(k).fill(0);
  let x = x0;
  if (k > 0) {
    const lower = [...new Array<number>(k - (o.constant ? 1 : 0)).fill(-0.99), ...(o.constant ? [-3] : [])];
    const upper = [...new Array<number>(k - (o.constant ? 1 : 0)).fill(0.99), ...(o.constant ? [3] : [])];
    const box = { lower, upper };
    const fromWarm = start !== undefined && start.length === k && Number.isFinite(objective(start));
    let best = nelderMead(
      objective,
      fromWarm ? x0 : new Array<number>(k).fill(0),
      box,
      150 * k,
      1e-7,
      1e-4,
      fromWarm ? 0.02 : 0.1,
    );
    const again = nelderMead(objective, best.x, box, 60 * k, 1e-7, 1e-4, fromWarm ? 0.02 : 0.1);
    if (again.value < best.value) best = again;
    if (!Number.isFinite(best.value)) return undefined;
    x = best.x;
  }
  const u = polys(x);
  if (!admissible(unpack(x, o))) return undefined;
  const r = css(w, u.a, u.b, u.mean);
  const sigma2 = r.sse / r.count;
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) return undefined;
  // As R's arima by CSS: σ² from the conditional residuals, the likelihood over every
  // differenced observation, so that models with more AR lags are compared on the same footing.
  const np = k + 1;
  const used = w.length;
  const lik = used * (Math.log(2 * Math.PI * sigma2) + 1);
  const aicc = lik + 2 * np + (2 * np * (np + 1)) / Math.max(1, used - np - 1);
  return {
    order: o,
    m,
    ar: u.ar,
    ma: u.ma,
    sar: u.sar,
    sma: u.sma,
    mean: u.mean,
    sigma2: r.sse / Math.max(1, r.count - k),
    aicc,
    w,
    residuals: r.residuals,
    x,
  };
}

/**
 * The stepwise search of Hyndman & Khandakar: four starting models, then each neighbour that
 * changes p, q, P or Q by one (p and q together, P and Q together) or toggles the constant,
 * moving to the best by AICc until none improves.
 */
export interface ArimaWarm {
  readonly d: number;
  readonly D: number;
  /** The order chosen, where the next search starts. */
  readonly best: ArimaOrder;
  /** Solutions by order, warm starts for the same orders. */
  readonly xs: ReadonlyMap<string, readonly number[]>;
}

const orderKey = (o: ArimaOrder) => `${o.p}${o.q}${o.P}${o.Q}${o.constant ? 1 : 0}`;

/**
 * With a warm start from a shorter stretch of the series and the same differencing, the search
 * starts from the order chosen there (and each order from its solution there).
 */
export function autoArima(
  y: readonly number[],
  m: number,
  warm?: ArimaWarm,
  maxModels = 40,
): { best: ArimaFit | undefined; warm: ArimaWarm | undefined } {
  const seasonal = m > 1 && y.length >= 2 * m + 1;
  const { d, D } = chooseDifferencing(y, seasonal ? m : 1);
  const hint = warm && warm.d === d && warm.D === D ? warm : undefined;
  const xs = new Map<string, readonly number[]>();
  const sm = seasonal ? m : 1;
  const withConstant = d + D <= 1;
  const maxP = seasonal ? 1 : 0;
  const tried = new Map<string, ArimaFit | undefined>();
  const key = orderKey;
  const fitOrder = (o: ArimaOrder) => {
    const k = key(o);
    if (!tried.has(k)) {
      const f = fitArimaOrder(y, sm, o, hint?.xs.get(k));
      if (f) xs.set(k, f.x);
      tried.set(k, f);
    }
    return tried.get(k);
  };
  const order = (p: number, q: number, P: number, Q: number, constant: boolean): ArimaOrder => ({
    p,
    d,
    q,
    P: seasonal ? P : 0,
    D,
    Q: seasonal ? Q : 0,
    constant: constant && withConstant,
  });
  let best: ArimaFit | undefined;
  const consider = (o: ArimaOrder) => {
    if (o.p < 0 || o.q < 0 || o.P < 0 || o.Q < 0 || o.p > 3 || o.q > 3 || o.P > maxP || o.Q > maxP)
      return false;
    if (tried.size >= maxModels && !tried.has(key(o))) return false;
    const f = fitOrder(o);
    if (f && (best === undefined || f.aicc < best.aicc - 1e-9)) {
      best = f;
      return true;
    }
    return false;
  };
  if (hint) consider(hint.best);
  else {
    for (const [p, q, P, Q] of [
      [2, 2, 1, 1],
      [0, 0, 0, 0],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
    ] as const)
      consider(order(p, q, P, Q, true));
    consider(order(0, 0, 0, 0, false));
  }
  let improved = true;
  while (improved && best) {
    improved = false;
    const { p, q, P, Q, constant } = best.order as ArimaOrder;
    const c = constant;
    for (const o of [
      order(p, q, P - 1, Q, c),
      order(p, q, P + 1, Q, c),
      order(p, q, P, Q - 1, c),
      order(p, q, P, Q + 1, c),
      order(p, q, P - 1, Q - 1, c),
      order(p, q, P + 1, Q + 1, c),
      order(p - 1, q, P, Q, c),
      order(p + 1, q, P, Q, c),
      order(p, q - 1, P, Q, c),
      order(p, q + 1, P, Q, c),
      order(p - 1, q - 1, P, Q, c),
      order(p + 1, q + 1, P, Q, c),
      order(p, q, P, Q, !c),
    ]) {
      if (consider(o)) {
        improved = true;
        break;
      }
    }
  }
  const chosen = best as ArimaFit | undefined;
  return { best: chosen, warm: chosen ? { d, D, best: chosen.order, xs } : undefined };
}

/** ψ-weights of the model with its differencing: y's forecast error at step k has variance σ² Σ_{j<k} ψ_j². */
function psiWeights(f: ArimaFit, h: number): number[] {
  const m = f.m;
  let a = polyMultiply(arPoly(f.ar), arPoly(f.sar, m));
  for (let i = 0; i < f.order.d; i++) a = polyMultiply(a, [1, -1]);
  for (let i = 0; i < f.order.D; i++) {
    const s = new Array<number>(m + 1).fill(0);
    s[0] = 1;
    s[m] = -1;
    a = polyMultiply(a, s);
  }
  const b = polyMultiply(maPoly(f.ma), maPoly(f.sma, m));
  const psi = [1];
  for (let j = 1; j < h; j++) {
    let v = b[j] ?? 0;
    for (let i = 1; i <= Math.min(j, a.length - 1); i++) v -= a[i]! * psi[j - i]!;
    psi.push(v);
  }
  return psi;
}

/** Forecasts of the differenced series continued with zero future errors, then integrated back. */
export function arimaForecast(y: readonly number[], f: ArimaFit, h: number): number[] {
  const m = f.m;
  const a = polyMultiply(arPoly(f.ar), arPoly(f.sar, m));
  const b = polyMultiply(maPoly(f.ma), maPoly(f.sma, m));
  const w = [...f.w];
  const e = [...f.residuals];
  const n = w.length;
  for (let k = 0; k < h; k++) {
    const t = n + k;
    let v = f.mean;
    for (let i = 1; i < a.length; i++) if (a[i] !== 0) v -= a[i]! * ((w[t - i] ?? f.mean) - f.mean);
    for (let j = 1; j < b.length; j++) if (b[j] !== 0 && t - j < n && t - j >= 0) v += b[j]! * e[t - j]!;
    w.push(v);
    e.push(0);
  }
  // Integrate: undo the regular differences, then the seasonal ones, level by level.
  const levels: number[][] = [[...y]];
  for (let i = 0; i < f.order.D; i++) {
    const prev = levels.at(-1)!;
    levels.push(prev.slice(m).map((v, t) => v - prev[t]!));
  }
  for (let i = 0; i < f.order.d; i++) {
    const prev = levels.at(-1)!;
    levels.push(prev.slice(1).map((v, t) => v - prev[t]!));
  }
  let future = w.slice(n);
  for (let li = levels.length - 2; li >= 0; li--) {
    const base = levels[li]!;
    const lag = li >= f.order.D ? 1 : m;
    const ext = [...base];
    for (const v of future) ext.push(v + ext[ext.length - lag]!);
    future = ext.slice(base.length);
  }
  return future;
}

export function arimaVariance(f: ArimaFit, h: number): number[] {
  const psi = psiWeights(f, h);
  let sum = 0;
  return psi.map((p) => {
    sum += p * p;
    return f.sigma2 * sum;
  });
}

export const arima: ForecastMethod = {
  name: 'arima',
  minLength: () => 8,
  unsuitable: () => undefined,
  fit(y, m, warm): FittedModel {
    const searched = autoArima(y, m, warm as ArimaWarm | undefined);
    const f = searched.best;
    if (!f) throw new Error('arima: no model could be fitted');
    return {
      method: 'arima',
      forecast: (h) => arimaForecast(y, f, h),
      variance: (h) => arimaVariance(f, h),
      sigma: Math.sqrt(f.sigma2),
      warm: searched.warm,
      df: Math.max(1, f.residuals.length - (f.order.p + f.order.q + f.order.P + f.order.Q + 1)),
      params: {
        model: arimaName(f.order, f.m),
        ar: f.ar,
        ma: f.ma,
        sar: f.sar,
        sma: f.sma,
        mean: f.mean,
        sigma2: f.sigma2,
        aicc: f.aicc,
      },
    };
  },
};
