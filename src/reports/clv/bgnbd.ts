import { gammaln } from 'simple-statistics';
import type { Gradient } from './bfgs';
import { maximiseLikelihood } from './ml';
import { digamma } from './special';

/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys at rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). Times are in the report's unit (days, weeks, months).
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Customers grouped by their (x, t_x, T): x repeat transactions, the last at t_x, observed for T
 * since their first; n customers share the triple. Many do, so the sums run over the groups.
 */
export interface Triples {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly n: Float64Array;
}

/** Distinct values of a column and each row's index into them: logs are taken once per value. */
function distinct(values: Float64Array): { values: Float64Array; index: Int32Array } {
  const map = new Map<number, number>();
  const index = new Int32Array(values.length);
  const out: number[] = [];
  values.forEach((v, i) => {
    let k = map.get(v);
    if (k === undefined) {
      k = out.length;
      map.set(v, k);
      out.push(v);
    }
    index[i] = k;
  });
  return { values: Float64Array.from(out), index };
}

/**
 * The BG/NBD log-likelihood of grouped data, as a function of (r, α, a, b), with what does not
 * depend on the parameters prepared once. Per customer (FHL 2005, eq. 6):
 *
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *          + ln( (α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+t_x)^−(r+x) )
 *
 * the last term by log-sum-exp of its two logs, so neither power under- or overflows.
 */
export function bgnbdLogLikelihood(data: Triples): (p: BgNbdParams) => number {
  const xs = distinct(data.x);
  const Ts = distinct(data.T);
  const txs = distinct(data.tx);
  const m = data.x.length;
  const gx = new Float64Array(xs.values.length);
  const cx = new Float64Array(xs.values.length);
  const lT = new Float64Array(Ts.values.length);
  const lTx = new Float64Array(txs.values.length);
  return ({ r, alpha, a, b }) => {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
    const lnAlpha = Math.log(alpha);
    const lnA = Math.log(a);
    const common = -gammaln(r) + r * lnAlpha + gammaln(a + b) - gammaln(b);
    for (let k = 0; k < xs.values.length; k++) {
      const x = xs.values[k]!;
      gx[k] = common + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
      cx[k] = x > 0 ? lnA - Math.log(b + x - 1) : 0;
    }
    for (let k = 0; k < Ts.values.length; k++) lT[k] = Math.log(alpha + Ts.values[k]!);
    for (let k = 0; k < txs.values.length; k++) lTx[k] = Math.log(alpha + txs.values[k]!);
    let total = 0;
    for (let i = 0; i < m; i++) {
      const k = xs.index[i]!;
      const x = data.x[i]!;
      const rx = r + x;
      const a3 = -rx * lT[Ts.index[i]!]!;
      let ll = a3;
      if (x > 0) {
        const a4 = cx[k]! - rx * lTx[txs.index[i]!]!;
        ll = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      total += data.n[i]! * (gx[k]! + ll);
    }
    return total;
  };
}

/**
 * The log-likelihood and its gradient in (r, α, a, b). With L = ln(e^A₃ + δ e^A₄) per customer,
 * A₃ = −(r+x) ln(α+T), A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x), and w = e^(A₃−L) the weight of
 * "alive at T":
 *   ∂/∂r = ψ(r+x) − ψ(r) + ln α − w ln(α+T) − (1−w) ln(α+t_x)
 *   ∂/∂α = r/α − (r+x) (w/(α+T) + (1−w)/(α+t_x))
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x) + (1−w)/a
 *   ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − (1−w)/(b+x−1)
 * (for x = 0, w = 1).
 */
export function bgnbdGradient(data: Triples): (p: BgNbdParams) => { value: number; gradient: number[] } {
  const xs = distinct(data.x);
  const Ts = distinct(data.T);
  const txs = distinct(data.tx);
  const m = data.x.length;
  const lT = new Float64Array(Ts.values.length);
  const iT = new Float64Array(Ts.values.length);
  const lTx = new Float64Array(txs.values.length);
  const iTx = new Float64Array(txs.values.length);
  const gx = new Float64Array(xs.values.length);
  const cx = new Float64Array(xs.values.length);
  const dR = new Float64Array(xs.values.length);
  const dA = new Float64Array(xs.values.length);
  const dB = new Float64Array(xs.values.length);
  const bx1 = new Float64Array(xs.values.length);
  return ({ r, alpha, a, b }) => {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return { value: Number.NaN, gradient: [0, 0, 0, 0] };
    const lnAlpha = Math.log(alpha);
    const common = -gammaln(r) + r * lnAlpha + gammaln(a + b) - gammaln(b);
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    for (let k = 0; k < xs.values.length; k++) {
      const x = xs.values[k]!;
      gx[k] = common + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
      cx[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
      bx1[k] = x > 0 ? 1 / (b + x - 1) : 0;
      const psiABX = digamma(a + b + x);
      dR[k] = digamma(r + x) - psiR + lnAlpha;
      dA[k] = psiAB - psiABX;
      dB[k] = psiAB + digamma(b + x) - psiB - psiABX;
    }
    for (let k = 0; k < Ts.values.length; k++) {
      lT[k] = Math.log(alpha + Ts.values[k]!);
      iT[k] = 1 / (alpha + Ts.values[k]!);
    }
    for (let k = 0; k < txs.values.length; k++) {
      lTx[k] = Math.log(alpha + txs.values[k]!);
      iTx[k] = 1 / (alpha + txs.values[k]!);
    }
    let value = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    const rOverAlpha = r / alpha;
    for (let i = 0; i < m; i++) {
      const k = xs.index[i]!;
      const j = Ts.index[i]!;
      const n = data.n[i]!;
      const x = data.x[i]!;
      const rx = r + x;
      const a3 = -rx * lT[j]!;
      let ll = a3;
      let w = 1;
      if (x > 0) {
        const l = txs.index[i]!;
        const d = cx[k]! - rx * lTx[l]! - a3;
        if (d > 0) {
          const e = Math.exp(-d);
          ll = a3 + d + Math.log1p(e);
          w = e / (1 + e);
        } else {
          const e = Math.exp(d);
          ll = a3 + Math.log1p(e);
          w = 1 / (1 + e);
        }
        const v = 1 - w;
        gr += n * (dR[k]! - w * lT[j]! - v * lTx[l]!);
        gAlpha += n * (rOverAlpha - rx * (w * iT[j]! + v * iTx[l]!));
        ga += n * (dA[k]! + v / a);
        gb += n * (dB[k]! - v * bx1[k]!);
      } else {
        gr += n * (dR[k]! - lT[j]!);
        gAlpha += n * (rOverAlpha - rx * iT[j]!);
        ga += n * dA[k]!;
        gb += n * dB[k]!;
      }
      value += n * (gx[k]! + ll);
    }
    return { value, gradient: [gr, gAlpha, ga, gb] };
  };
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  readonly log_likelihood: number;
  readonly customers: number;
  readonly converged: boolean;
  /** Nelder–Mead iterations (every start) plus BFGS iterations. */
  readonly iterations: number;
  readonly evaluations: number;
  readonly starts: number;
  /** The largest |∂(ln L / customers)/∂ ln θ| at the maximum. */
  readonly gradient_max: number;
  /** Customers of the sample the starts ran on; null when they ran on every customer. */
  readonly start_sample: number | null;
}

const exp4 = (z: readonly number[]): BgNbdParams => ({
  r: Math.exp(z[0]!),
  alpha: Math.exp(z[1]!),
  a: Math.exp(z[2]!),
  b: Math.exp(z[3]!),
});

/**
 * Maximum likelihood in log-parameters (so they stay positive; maximiseLikelihood): Nelder–Mead
 * from three starts, whose rate r/α is the observed repeat rate, (r, a, b) ∈ {(1, 1, 1),
 * (0.5, 0.5, 2), (2, 2, 5)}, then BFGS with the analytic gradient.
 */
export function fitBgNbd(data: Triples): BgNbdFit {
  let customers = 0;
  let repeats = 0;
  let exposure = 0;
  for (let i = 0; i < data.n.length; i++) {
    customers += data.n[i]!;
    repeats += data.n[i]! * data.x[i]!;
    exposure += data.n[i]! * data.T[i]!;
  }
  if (customers === 0) throw new Error('no customers to fit');
  // The repeat rate per unit of time, λ = r/α; fall back to 1 per 10 units without repeats.
  const rate = repeats > 0 && exposure > 0 ? repeats / exposure : 0.1;
  const objective = (d: Triples) => {
    const ll = bgnbdLogLikelihood(d);
    let n = 0;
    for (let i = 0; i < d.n.length; i++) n += d.n[i]!;
    return (z: readonly number[]) => -ll(exp4(z)) / n;
  };
  const full = bgnbdGradient(data);
  const gradient = (z: readonly number[]): Gradient => {
    const p = exp4(z);
    const { value, gradient: g } = full(p);
    const theta = [p.r, p.alpha, p.a, p.b];
    return { value: -value / customers, gradient: g.map((gi, i) => (-gi * theta[i]!) / customers) };
  };
  const starts = [
    [1, 1, 1],
    [0.5, 0.5, 2],
    [2, 2, 5],
  ].map(([r, a, b]) => [Math.log(r!), Math.log(r! / rate), Math.log(a!), Math.log(b!)]);
  const m = maximiseLikelihood(data, objective, gradient, starts);
  return {
    params: exp4(m.z),
    log_likelihood: m.logLikelihood,
    customers,
    converged: m.converged,
    iterations: m.iterations,
    evaluations: m.evaluations,
    starts: starts.length,
    gradient_max: m.gradientMax,
    start_sample: m.startSample,
  };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (Fader & Hardie,
 * "Computing P(alive) using the BG/NBD model"). A customer without a repeat
 * purchase is alive with probability 1: under BG/NBD a customer can only drop out right after a
 * purchase, and the first purchase is the one that starts the clock.
 */
export function pAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/** Terms a series may take before it is declared not converged. */
const MAX_TERMS = 1_000_000;

/**
 * The bracket of FHL 2005 eq. (10) divided by (a − 1):
 *
 *   [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] / (a − 1),   z = t/(α+T+t).
 *
 * Evaluated stably: Euler's transformation 2F1(A', B'; C'; z) = (1−z)^(C'−A'−B') 2F1(C'−A', C'−B'; C'; z)
 * turns the power and the function into (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z), whose
 * numerator parameters no longer grow with x (the series of the original needs about x·z/(1−z)
 * terms before its terms even start to fall). Writing that 2F1 as 1 + (a−1)·S, with
 * S = Σ_{n≥1} (a+b−1−r)_n (a)_{n−1} / ((a+b+x−1)_n n!) · z^n, the bracket is
 *
 *   −expm1((a−1)·ln(1−z)) / (a−1) − (1−z)^(a−1) · S
 *
 * which has no cancellation as a → 1 (the division by a − 1 is exact). S is summed until the
 * bound on its tail, |term| · q/(1−q) with q the larger of the term ratio and z, is below 1e-15
 * of the sum; NaN when that takes more than a million terms (z within about 1e-5 of 1).
 */
export function eq10Bracket({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  const z = t / (alpha + T + t);
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  let term = (A * z) / C;
  let sum = term;
  let converged = term === 0;
  for (let n = 1; n < MAX_TERMS && !converged; n++) {
    const ratio = ((A + n) * (a + n - 1) * z) / ((C + n) * (n + 1));
    term *= ratio;
    sum += term;
    const q = Math.max(Math.abs(ratio), z);
    if (q < 1 && Math.abs(term) * (q / (1 - q)) <= 1e-15 * Math.abs(sum)) converged = true;
    if (!Number.isFinite(sum)) break;
  }
  if (!converged) return Number.NaN;
  const e = a - 1;
  const first = e === 0 ? -lnOneMinusZ : -Math.expm1(e * lnOneMinusZ) / e;
  return first - Math.exp(e * lnOneMinusZ) * sum;
}

/**
 * E[Y(t) | x, t_x, T]: the expected repeat transactions in the next t units of a customer with
 * x repeat transactions, the last at t_x, observed for T (FHL 2005, eq. 10):
 *
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
 *
 * i.e. (a+b+x−1) · eq10Bracket · P(alive).
 */
export function conditionalExpected(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
  t: number,
): number {
  return (params.a + params.b + x - 1) * eq10Bracket(params, x, T, t) * pAlive(params, x, tx, T);
}
