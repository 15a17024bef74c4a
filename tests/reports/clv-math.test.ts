import { gammaln } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { bfgs } from '../../src/reports/clv/bfgs';
import {
  type BgNbdParams,
  bgnbdGradient,
  bgnbdLogLikelihood,
  conditionalExpected,
  eq10Bracket,
  fitBgNbd,
  pAlive,
} from '../../src/reports/clv/bgnbd';
import { pairBrackets } from '../../src/reports/clv/fit';
import {
  expectedSpend,
  fitGammaGamma,
  gammaGammaGradient,
  gammaGammaLogLikelihood,
} from '../../src/reports/clv/gamma-gamma';
import { minimise, nelderMead } from '../../src/reports/clv/nelder-mead';
import { sampleRows, systematicCounts } from '../../src/reports/clv/sample';
import { digamma } from '../../src/reports/clv/special';

const CDNOW: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** 2F1(a, b; c; z) by its defining series, summed until the terms vanish (|z| well below 1 only). */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum) && n > 10) break;
  }
  return sum;
}

/** A seeded generator (mulberry32) and the gamma and beta draws of a BG/NBD population. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Marsaglia & Tsang (2000); shape < 1 by the u^(1/shape) boost. */
function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * u() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(u);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(1 - u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

describe('clv maths', () => {
  it('Nelder–Mead finds the Rosenbrock minimum and says it converged; a non-finite value is refused', () => {
    const rosen = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const m = nelderMead(rosen, [-1.2, 1], { xTolerance: 1e-9, fTolerance: 1e-15, maxIterations: 5000 });
    expect(m.converged).toBe(true);
    expect(m.x[0]).toBeCloseTo(1, 6);
    expect(m.x[1]).toBeCloseTo(1, 6);
    const capped = nelderMead(rosen, [-1.2, 1], { maxIterations: 10 });
    expect(capped).toMatchObject({ converged: false, iterations: 10 });
    // Outside x > 0 the function is not defined: the minimum on the boundary's side is found.
    const domain = minimise((x) => (x[0]! > 0 ? (Math.log(x[0]!) - 1) ** 2 : Number.NaN), [[5], [0.5]]);
    expect(domain.x[0]).toBeCloseTo(Math.E, 5);
  });

  it('BFGS with the gradient reaches the gradient tolerance on Rosenbrock', () => {
    const f = (x: readonly number[]) => ({
      value: 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2,
      gradient: [-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 200 * (x[1]! - x[0]! ** 2)],
    });
    const r = bfgs(f, [-1.2, 1], { gTolerance: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(1, 8);
  });

  it('digamma: ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(x+1) = ψ(x) + 1/x, and the slope of ln Γ', () => {
    const euler = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-euler, 14);
    expect(digamma(0.5)).toBeCloseTo(-euler - 2 * Math.LN2, 14);
    for (const x of [0.01, 0.243, 1.7, 4.4, 9.99, 10, 57.3, 1e4]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
      const h = 1e-4 * x;
      const slope = (gammaln(x + h) - gammaln(x - h)) / (2 * h);
      expect(digamma(x) / slope).toBeCloseTo(1, 6);
    }
  });

  it('the eq. (10) bracket equals [1 − (1−z)^(r+x) 2F1(r+x, b+x; a+b+x−1; z)]/(a−1) by the plain series', () => {
    for (const p of [CDNOW, { r: 2.4, alpha: 81.9, a: 0.066, b: 5.6 }, { r: 0.5, alpha: 3, a: 2.5, b: 4 }]) {
      for (const x of [0, 1, 2, 7, 30]) {
        for (const [T, t] of [
          [38.86, 39],
          [10, 5],
          [80, 52],
          [0, 2],
        ] as const) {
          const z = t / (p.alpha + T + t);
          if (z > 0.6) continue; // the plain series is only trusted well inside its radius
          const plain =
            (1 - (1 - z) ** (p.r + x) * hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z)) / (p.a - 1);
          expect(eq10Bracket(p, x, T, t) / plain, `${x} ${T} ${t}`).toBeCloseTo(1, 9);
        }
      }
    }
  });

  it('the bracket is continuous through a = 1 and finite close to z = 1', () => {
    const at = (a: number) => eq10Bracket({ ...CDNOW, a }, 3, 20, 52);
    expect(at(1 - 1e-9) / at(1)).toBeCloseTo(1, 7);
    expect(at(1 + 1e-9) / at(1)).toBeCloseTo(1, 7);
    expect(at(1 - 1e-3) / at(1)).toBeCloseTo(1, 2);
    // A customer whose first purchase was the last day before as_of, ten years ahead: z ≈ 0.992.
    let previous = 0;
    for (const t of [1, 52, 520]) {
      const e = conditionalExpected(CDNOW, 0, 0, 0, t);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });

  it('P(alive) is 1 without a repeat purchase and falls as the last purchase recedes', () => {
    expect(pAlive(CDNOW, 0, 0, 38.86)).toBe(1);
    expect(pAlive(CDNOW, 0, 0, 1e6)).toBe(1);
    const recent = pAlive(CDNOW, 5, 38, 39);
    const old = pAlive(CDNOW, 5, 10, 39);
    expect(recent).toBeGreaterThan(old);
    // The formula: 1 / (1 + a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
    const direct =
      1 / (1 + (CDNOW.a / (CDNOW.b + 4)) * ((CDNOW.alpha + 39) / (CDNOW.alpha + 10)) ** (CDNOW.r + 5));
    expect(old).toBeCloseTo(direct, 14);
    // No overflow for a customer gone silent for long after many purchases.
    expect(pAlive(CDNOW, 400, 1, 500)).toBe(0);
  });

  it('the log-likelihood of grouped customers is the sum of the textbook likelihood of each, and stays finite', () => {
    const customers: [number, number, number][] = [
      [0, 0, 38.86],
      [0, 0, 38.86],
      [2, 30.43, 38.86],
      [1, 1.71, 38.86],
      [2, 30.43, 38.86],
      [7, 29.43, 35.14],
      [0, 0, 20],
    ];
    const naive = ({ r, alpha, a, b }: BgNbdParams) =>
      customers.reduce((s, [x, tx, T]) => {
        const beta = (p: number, q: number) => Math.exp(gammaln(p) + gammaln(q) - gammaln(p + q));
        const front = (Math.exp(gammaln(r + x) - gammaln(r)) * alpha ** r) / 1;
        const l =
          (beta(a, b + x) / beta(a, b)) * front * (alpha + T) ** -(r + x) +
          (x > 0 ? (beta(a + 1, b + x - 1) / beta(a, b)) * front * (alpha + tx) ** -(r + x) : 0);
        return s + Math.log(l);
      }, 0);
    const grouped = {
      x: Float64Array.from([0, 2, 1, 7, 0]),
      tx: Float64Array.from([0, 30.43, 1.71, 29.43, 0]),
      T: Float64Array.from([38.86, 38.86, 38.86, 35.14, 20]),
      n: Float64Array.from([2, 2, 1, 1, 1]),
    };
    for (const p of [CDNOW, { r: 1.5, alpha: 0.7, a: 3, b: 0.4 }]) {
      expect(bgnbdLogLikelihood(grouped)(p)).toBeCloseTo(naive(p), 9);
    }
    // x = 300, T = 5,000: the powers underflow in the textbook form, not in the log form.
    const extreme = {
      x: Float64Array.of(300),
      tx: Float64Array.of(4000),
      T: Float64Array.of(5000),
      n: Float64Array.of(1),
    };
    expect(Number.isFinite(bgnbdLogLikelihood(extreme)(CDNOW))).toBe(true);
  });

  it('the analytic gradients agree with finite differences of the log-likelihoods', () => {
    const triples = {
      x: Float64Array.from([0, 0, 1, 2, 5, 14]),
      tx: Float64Array.from([0, 0, 3.1, 20.4, 30, 36.6]),
      T: Float64Array.from([38.9, 12, 38.9, 30.1, 38.9, 37]),
      n: Float64Array.from([40, 11, 9, 5, 2, 1]),
    };
    const ll = bgnbdLogLikelihood(triples);
    const p = { r: 0.3, alpha: 5, a: 0.9, b: 2.1 };
    const g = bgnbdGradient(triples)(p);
    expect(g.value).toBeCloseTo(ll(p), 10);
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, i) => {
      const h = 1e-3 * p[k];
      const f = (d: number) => ll({ ...p, [k]: p[k] + d });
      const fd = (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h);
      expect(g.gradient[i]! / fd, k).toBeCloseTo(1, 6);
    });
    const spend = {
      x: Float64Array.from([1, 1, 2, 6]),
      s: Float64Array.from([12.5, 40, 31, 200]),
      n: Float64Array.from([3, 1, 2, 1]),
    };
    const gl = gammaGammaLogLikelihood(spend);
    const q = { p: 6, q: 3.5, gamma: 15 };
    const gg = gammaGammaGradient(spend)(q);
    (['p', 'q', 'gamma'] as const).forEach((k, i) => {
      const h = 1e-3 * q[k];
      const f = (d: number) => gl({ ...q, [k]: q[k] + d });
      const fd = (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h);
      expect(gg.gradient[i]! / fd, k).toBeCloseTo(1, 6);
    });
  });

  it('the Gamma-Gamma likelihood is the textbook density of the mean spend, and its posterior mean shrinks', () => {
    const spend = {
      x: Float64Array.from([1, 3]),
      s: Float64Array.from([20, 90]),
      n: Float64Array.from([1, 2]),
    };
    const q = { p: 6.25, q: 3.74, gamma: 15.44 };
    const density = (x: number, zbar: number) =>
      gammaln(q.p * x + q.q) -
      gammaln(q.p * x) -
      gammaln(q.q) +
      q.q * Math.log(q.gamma) +
      (q.p * x - 1) * Math.log(zbar) +
      q.p * x * Math.log(x) -
      (q.p * x + q.q) * Math.log(q.gamma + x * zbar);
    expect(gammaGammaLogLikelihood(spend)(q)).toBeCloseTo(density(1, 20) + 2 * density(3, 30), 9);
    const population = (q.p * q.gamma) / (q.q - 1);
    expect(expectedSpend(q, 0, 0)).toBeCloseTo(population, 12);
    const own = expectedSpend(q, 3, 90)!;
    expect(own).toBeGreaterThan(Math.min(population, 30));
    expect(own).toBeLessThan(Math.max(population, 30));
    expect(expectedSpend({ ...q, q: 0.9 }, 3, 90)).toBeNull();
  });

  it('a systematic sample keeps the size and the order’s strata', () => {
    const n = Float64Array.from([500, 1, 1, 1, 497]);
    const c = systematicCounts(n, 100);
    expect(c.reduce((a, b) => a + b, 0)).toBe(100);
    expect(c[0]).toBe(50);
    expect(c[4]).toBeGreaterThanOrEqual(49);
    const rows = sampleRows({ x: Float64Array.from([1, 2, 3, 4, 5]), n }, 100);
    expect([...rows.x]).toEqual([...n.keys()].filter((i) => c[i]! > 0).map((i) => i + 1));
    expect(rows.n.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('recovers the parameters of a simulated BG/NBD population, and Gamma-Gamma’s of simulated spend', () => {
    const u = rng(13);
    const truth = { r: 0.8, alpha: 6, a: 0.9, b: 3.5 };
    const rows = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const lambda = gamma(u, truth.r) / truth.alpha;
      const ga = gamma(u, truth.a);
      const p = ga / (ga + gamma(u, truth.b));
      const T = 20 + Math.floor(u() * 33);
      let t = 0;
      let x = 0;
      let last = 0;
      for (;;) {
        t += -Math.log(1 - u()) / lambda;
        if (t > T) break;
        x++;
        last = t;
        if (u() < p) break;
      }
      const key = `${x}:${x > 0 ? Math.round(last * 7) / 7 : 0}:${T}`;
      rows.set(key, (rows.get(key) ?? 0) + 1);
    }
    const triples = [...rows].map(
      ([k, n]) => [...k.split(':').map(Number), n] as [number, number, number, number],
    );
    const fit = fitBgNbd({
      x: Float64Array.from(triples, (t) => t[0]),
      tx: Float64Array.from(triples, (t) => t[1]),
      T: Float64Array.from(triples, (t) => t[2]),
      n: Float64Array.from(triples, (t) => t[3]),
    });
    // 40,000 customers: more than the start sample, so the starts ran on 20,000 of them.
    expect(fit).toMatchObject({ converged: true, start_sample: 20_000, customers: 40_000 });
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.a / truth.a - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.b / truth.b - 1)).toBeLessThan(0.1);
    // Spend: ν ~ Gamma(q, γ), each transaction Gamma(p, ν); the mean of x of them.
    const g = { p: 4, q: 5, gamma: 60 };
    const xs: number[] = [];
    const ss: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const nu = gamma(u, g.q) / g.gamma;
      const x = 1 + Math.floor(u() * 8);
      let s = 0;
      for (let k = 0; k < x; k++) s += gamma(u, g.p) / nu;
      xs.push(x);
      ss.push(s);
    }
    const gg = fitGammaGamma({
      x: Float64Array.from(xs),
      s: Float64Array.from(ss),
      n: new Float64Array(xs.length).fill(1),
    });
    expect(gg.converged).toBe(true);
    expect(Math.abs(gg.params.p / g.p - 1)).toBeLessThan(0.1);
    expect(Math.abs(gg.params.q / g.q - 1)).toBeLessThan(0.1);
    expect(Math.abs(gg.params.gamma / g.gamma - 1)).toBeLessThan(0.1);
  });

  it('discounts each unit of the horizon: with d = 0 the sum is the bracket at the horizon', () => {
    const pairs = { x: Float64Array.from([0, 3]), tDays: Float64Array.from([70, 280]) };
    const plain = pairBrackets(CDNOW, pairs, { unitDays: 7, horizon: 52, discountRate: 0, holdout: 39 });
    expect([...plain.brackets.discounted]).toEqual([...plain.brackets.horizon]);
    expect(plain.brackets.holdout![1]).toBeCloseTo(eq10Bracket(CDNOW, 3, 40, 39), 14);
    const d = pairBrackets(CDNOW, pairs, { unitDays: 7, horizon: 52, discountRate: 0.01, holdout: null });
    let sum = 0;
    for (let k = 1; k <= 52; k++) {
      sum += (eq10Bracket(CDNOW, 3, 40, k) - eq10Bracket(CDNOW, 3, 40, k - 1)) / 1.01 ** k;
    }
    expect(d.brackets.discounted[1]).toBeCloseTo(sum, 13);
    expect(d.brackets.discounted[1]).toBeLessThan(d.brackets.horizon[1]!);
  });
});
