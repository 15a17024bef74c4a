import { gammaln } from 'simple-statistics';
import type { Gradient } from './bfgs';
import { maximiseLikelihood } from './ml';
import { digamma } from './special';

/**
 * The Gamma-Gamma model of spend (Fader & Hardie, "The Gamma-Gamma model of monetary value";
 * Colombo & Jiang 1999): a transaction's value is Gamma(p, ν), a customer's ν is Gamma(q, γ),
 * independent of the transaction process. Fitted on customers with repeat transactions.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/**
 * Customers grouped by (x, s): x repeat transactions worth s in total (so z̄ = s/x); n share it.
 * Only groups with x > 0 and s > 0 (a zero mean has no density).
 */
export interface SpendGroups {
  readonly x: Float64Array;
  readonly s: Float64Array;
  readonly n: Float64Array;
}

/**
 * ln f(z̄ | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄)
 * (the density of the mean of x transactions, ν integrated out), summed over the groups. What
 * does not depend on the parameters is summed once: Σ n x ln z̄, Σ n ln z̄, Σ n x ln x, and the
 * customers per x (the log-gammas are taken once per distinct x); only ln(γ + x z̄) is per group.
 */
export function gammaGammaLogLikelihood(data: SpendGroups): (params: GammaGammaParams) => number {
  const m = data.x.length;
  const perX = new Map<number, number>();
  let customers = 0;
  let sumXLnZ = 0;
  let sumLnZ = 0;
  let sumXLnX = 0;
  for (let i = 0; i < m; i++) {
    const x = data.x[i]!;
    const n = data.n[i]!;
    const lnZ = Math.log(data.s[i]! / x);
    customers += n;
    sumXLnZ += n * x * lnZ;
    sumLnZ += n * lnZ;
    sumXLnX += n * x * Math.log(x);
    perX.set(x, (perX.get(x) ?? 0) + n);
  }
  const xs = Float64Array.from(perX.keys());
  const ns = Float64Array.from(perX.values());
  return ({ p, q, gamma }) => {
    if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
    let total = customers * (q * Math.log(gamma) - gammaln(q)) + p * sumXLnZ - sumLnZ + p * sumXLnX;
    for (let k = 0; k < xs.length; k++) {
      const px = p * xs[k]!;
      total += ns[k]! * (gammaln(px + q) - gammaln(px));
    }
    for (let i = 0; i < m; i++) {
      total -= data.n[i]! * (p * data.x[i]! + q) * Math.log(gamma + data.s[i]!);
    }
    return total;
  };
}

/**
 * The log-likelihood and its gradient in (p, q, γ), by the same sums:
 *   ∂/∂p = Σ n x [ψ(px+q) − ψ(px)] + Σ n x ln z̄ + Σ n x ln x − Σ n x ln(γ + x z̄)
 *   ∂/∂q = Σ n ψ(px+q) + N (ln γ − ψ(q)) − Σ n ln(γ + x z̄)
 *   ∂/∂γ = N q/γ − Σ n (px+q)/(γ + x z̄)
 */
export function gammaGammaGradient(data: SpendGroups): (params: GammaGammaParams) => Gradient {
  const ll = gammaGammaLogLikelihood(data);
  const m = data.x.length;
  const perX = new Map<number, number>();
  let customers = 0;
  let constP = 0;
  for (let i = 0; i < m; i++) {
    const x = data.x[i]!;
    const n = data.n[i]!;
    customers += n;
    constP += n * x * (Math.log(data.s[i]! / x) + Math.log(x));
    perX.set(x, (perX.get(x) ?? 0) + n);
  }
  const xs = Float64Array.from(perX.keys());
  const ns = Float64Array.from(perX.values());
  return ({ p, q, gamma }) => {
    const value = ll({ p, q, gamma });
    let gp = constP;
    let gq = customers * (Math.log(gamma) - digamma(q));
    let gg = (customers * q) / gamma;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!;
      const psi = digamma(p * x + q);
      gp += ns[k]! * x * (psi - digamma(p * x));
      gq += ns[k]! * psi;
    }
    for (let i = 0; i < m; i++) {
      const n = data.n[i]!;
      const x = data.x[i]!;
      const g = gamma + data.s[i]!;
      const lg = Math.log(g);
      gp -= n * x * lg;
      gq -= n * lg;
      gg -= (n * (p * x + q)) / g;
    }
    return { value, gradient: [gp, gq, gg] };
  };
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
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

const exp3 = (z: readonly number[]): GammaGammaParams => ({
  p: Math.exp(z[0]!),
  q: Math.exp(z[1]!),
  gamma: Math.exp(z[2]!),
});

/**
 * Maximum likelihood in log p, log q, log γ (maximiseLikelihood): Nelder–Mead from (p, q) ∈
 * {(1, 2), (5, 5), (2, 10)} with γ set so the population mean pγ/(q−1) is the observed mean
 * spend, then BFGS with the analytic gradient.
 */
export function fitGammaGamma(data: SpendGroups): GammaGammaFit {
  let customers = 0;
  let spend = 0;
  let transactions = 0;
  for (let i = 0; i < data.n.length; i++) {
    customers += data.n[i]!;
    spend += data.n[i]! * data.s[i]!;
    transactions += data.n[i]! * data.x[i]!;
  }
  if (customers === 0) throw new Error('no customers with repeat spend to fit');
  const mean = spend / transactions;
  const objective = (d: SpendGroups) => {
    const ll = gammaGammaLogLikelihood(d);
    let n = 0;
    for (let i = 0; i < d.n.length; i++) n += d.n[i]!;
    return (z: readonly number[]) => -ll(exp3(z)) / n;
  };
  const full = gammaGammaGradient(data);
  const gradient = (z: readonly number[]): Gradient => {
    const t = exp3(z);
    const { value, gradient: g } = full(t);
    const theta = [t.p, t.q, t.gamma];
    return { value: -value / customers, gradient: g.map((gi, i) => (-gi * theta[i]!) / customers) };
  };
  const starts = [
    [1, 2],
    [5, 5],
    [2, 10],
  ].map(([p, q]) => [Math.log(p!), Math.log(q!), Math.log((mean * (q! - 1)) / p!)]);
  const m = maximiseLikelihood(data, objective, gradient, starts);
  return {
    params: exp3(m.z),
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

/** The population mean spend per transaction, pγ/(q−1); null when q ≤ 1 (the mean is infinite). */
export function populationMeanSpend({ p, q, gamma }: GammaGammaParams): number | null {
  return q > 1 ? (p * gamma) / (q - 1) : null;
}

/**
 * E[Z | x, z̄] = p(γ + x z̄)/(px + q − 1): a weighted mean of the population mean pγ/(q−1) and the
 * customer's own mean z̄, weights (q−1) and px. With x = 0 the population mean. Null when q ≤ 1.
 */
export function expectedSpend(params: GammaGammaParams, x: number, s: number): number | null {
  const { p, q, gamma } = params;
  if (!(q > 1)) return null;
  return x > 0 ? (p * (gamma + s)) / (p * x + q - 1) : (p * gamma) / (q - 1);
}
