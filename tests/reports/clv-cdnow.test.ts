import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import { loadJobFile, runJob } from '../../src/etl';
import { type ClvResult, clvReport } from '../../src/reports/clv/report';
import { runReport } from '../../src/reports/run';
import { buildApp } from '../../src/server/app';
import { ROOT } from '../helpers/demo';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/**
 * The CLV report on CDNOW's 1/10 sample (fixtures/cdnow, loaded by etl/jobs/cdnow.yml), checked
 * against the published fits and, customer by customer, against the BG/NBD and Gamma-Gamma
 * posteriors integrated numerically here: no 2F1, no closed form, none of the report's code.
 */

const AS_OF = '1998-07-01';
const CALIBRATION_END = '1997-10-01';
const NOW = new Date(`${AS_OF}T00:00:00Z`);

// ---------------------------------------------------------------------------------------------
// An independent BG/NBD: the posterior of (λ, p) integrated on a double-exponential grid.
// ---------------------------------------------------------------------------------------------

interface Bg {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Nodes of the tanh-sinh rule on (0, 1) and the exp-sinh rule on (0, ∞): log node, log weight. */
const H = 1 / 12;
const STEPS = Array.from({ length: Math.round(12 / H) + 1 }, (_, i) => -6 + i * H);
const P_NODES = STEPS.map((t) => {
  const s = Math.PI * Math.sinh(t);
  const lnP = -Math.log1p(Math.exp(-s));
  const ln1mP = -Math.log1p(Math.exp(s));
  return { lnP, ln1mP, p: Math.exp(lnP), lnW: Math.log(H * Math.PI * Math.cosh(t)) + lnP + ln1mP };
}).filter((n) => Number.isFinite(n.lnW) && n.p > 0 && n.p < 1);
const expSinh = (h: number) =>
  Array.from({ length: Math.round(12 / h) + 1 }, (_, i) => -6 + i * h).map((t) => ({
    u: (Math.PI / 2) * Math.sinh(t),
    lnJ: Math.log((h * Math.PI * Math.cosh(t)) / 2),
  }));
const L_STEPS = expSinh(H);
/** A finer grid for one-dimensional integrals. */
const FINE_STEPS = expSinh(1 / 96);

/** Accumulates log-sum-exp. */
class LogSum {
  m = Number.NEGATIVE_INFINITY;
  s = 0;
  add(v: number): void {
    if (v === Number.NEGATIVE_INFINITY) return;
    if (v > this.m) {
      this.s = this.s * Math.exp(this.m - v) + 1;
      this.m = v;
    } else this.s += Math.exp(v - this.m);
  }
  get value(): number {
    return this.m + Math.log(this.s);
  }
}

/**
 * P(alive | x, t_x, T) and E[purchases in (T, T+t] | x, t_x, T] for each t in `ts`, as ratios of
 * integrals over the prior Gamma(r, α) × Beta(a, b) times the likelihood
 *   (1−p)^x λ^x e^{−λT}  [alive at T]  +  δ(x>0) p (1−p)^(x−1) λ^x e^{−λ t_x}  [dropped after the last],
 * and, alive at T with rate λ and dropout p, E[purchases in t] = (1 − e^{−λpt}) / p.
 * `discount`: also Σ_k (E over unit k) / (1+d)^k for k = 1..K.
 */
function posterior(
  { r, alpha, a, b }: Bg,
  x: number,
  tx: number,
  T: number,
  ts: readonly number[],
  discount?: { d: number; K: number },
): { pAlive: number; expected: number[]; discounted?: number } {
  const scale = Math.log((r + x) / (alpha + T));
  const total = new LogSum();
  const alive = new LogSum();
  const expected = ts.map(() => new LogSum());
  const disc = new LogSum();
  for (const pn of P_NODES) {
    const prior = (a - 1) * pn.lnP + (b - 1) * pn.ln1mP + pn.lnW;
    for (const ln of L_STEPS) {
      const lnL = scale + ln.u;
      const lam = Math.exp(lnL);
      const base = prior + (r - 1) * lnL - alpha * lam + ln.lnJ + lnL + x * lnL;
      const lnAlive = base + x * pn.ln1mP - lam * T;
      total.add(lnAlive);
      alive.add(lnAlive);
      if (x > 0) total.add(base + pn.lnP + (x - 1) * pn.ln1mP - lam * tx);
      ts.forEach((t, i) => {
        expected[i]!.add(lnAlive + Math.log(-Math.expm1(-lam * pn.p * t)) - pn.lnP);
      });
      if (discount) {
        let sum = 0;
        for (let k = 1; k <= discount.K; k++) {
          const inUnit = Math.exp(-lam * pn.p * (k - 1)) - Math.exp(-lam * pn.p * k);
          sum += inUnit / (1 + discount.d) ** k;
        }
        disc.add(lnAlive + Math.log(sum) - pn.lnP);
      }
    }
  }
  const z = total.value;
  return {
    pAlive: Math.exp(alive.value - z),
    expected: expected.map((e) => Math.exp(e.value - z)),
    ...(discount ? { discounted: Math.exp(disc.value - z) } : {}),
  };
}

/**
 * Gamma-Gamma: E[Z | x, z̄] = E[p/ν | x, z̄] with ν's posterior ∝ Gamma(q, γ)(ν) · Π_i Gamma(p, ν)(z_i),
 * i.e. ∝ ν^(q−1) e^{−γν} · ν^(px) e^{−ν x z̄}, integrated on the exp-sinh grid.
 */
function expectedSpend(p: number, q: number, gamma: number, x: number, zbar: number): number {
  const total = new LogSum();
  const mean = new LogSum();
  const centre = Math.log((p * x + q) / (gamma + x * zbar));
  for (const ln of FINE_STEPS) {
    const lnNu = centre + ln.u;
    const v = (q - 1 + p * x) * lnNu - Math.exp(lnNu) * (gamma + x * zbar) + ln.lnJ + lnNu;
    total.add(v);
    mean.add(v + Math.log(p) - lnNu);
  }
  return Math.exp(mean.value - total.value);
}

// ---------------------------------------------------------------------------------------------

/** The published per-customer summary of the 39-week calibration (lifetimes' file of the sample). */
function publishedSummary(): Map<string, { x: number; tx: number; T: number; zbar: number }> {
  const text = gunzipSync(
    readFileSync(join(ROOT, 'fixtures', 'cdnow', 'cdnow_summary_calibration.csv.gz')),
  ).toString();
  const [, ...lines] = text.trim().split('\n');
  return new Map(
    lines.map((l) => {
      const [id, x, tx, T, zbar] = l.split(',').map(Number) as [number, number, number, number, number];
      return [String(id), { x, tx, T, zbar }];
    }),
  );
}

const fixed = (v: unknown, digits: number) => Number(v).toFixed(digits);

describe('clv on CDNOW (1/10 sample, 39-week calibration, 39-week hold-out)', () => {
  let engine: Engine;
  let result: ClvResult;
  let bg: Bg;
  let byId: Map<string, Row>;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    const run = await runJob(loadJobFile(join(ROOT, 'etl', 'jobs', 'cdnow.yml')), { engine, root: ROOT });
    expect(run).toMatchObject({ status: 'succeeded', rows_read: 6919, rejected: 0 });
    result = await clvReport(reportContext(engine, NOW), {
      as_of: AS_OF,
      calibration_end: CALIBRATION_END,
      limit: 50_000,
    });
    const m = result.model!.bgnbd;
    bg = { r: Number(m['r']), alpha: Number(m['alpha']), a: Number(m['a']), b: Number(m['b']) };
    byId = new Map(result.customers.map((c) => [String(c['customer_id']), c]));
  }, 120_000);
  afterAll(() => engine.close());

  it('counts purchase days as the published summary does: x, t_x and T in weeks', () => {
    const summary = publishedSummary();
    expect(result.population).toMatchObject({ customers: 2357, one_time_buyers: 1411 });
    expect(result.customers).toHaveLength(2357);
    let repeats = 0;
    for (const [id, s] of summary) {
      const c = byId.get(id)!;
      expect(c['frequency'], id).toBe(s.x);
      expect(fixed(c['recency'], 2), id).toBe(s.tx.toFixed(2));
      expect(fixed(c['T'], 2), id).toBe(s.T.toFixed(2));
      repeats += s.x;
    }
    // Fader, Hardie & Lee (2005): 2,457 repeat transactions in the calibration period.
    expect(repeats).toBe(2457);
  });

  it('fits BG/NBD to the published r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4', () => {
    const m = result.model!.bgnbd;
    expect(fixed(m['r'], 3)).toBe('0.243');
    expect(fixed(m['alpha'], 3)).toBe('4.414');
    expect(fixed(m['a'], 3)).toBe('0.793');
    expect(fixed(m['b'], 3)).toBe('2.426');
    expect(fixed(m['log_likelihood'], 1)).toBe('-9582.4');
    expect(m).toMatchObject({ customers: 2357, converged: true });
    expect(Number(m['iterations'])).toBeGreaterThan(0);
  });

  it('fits Gamma-Gamma on the 946 repeat buyers to the published p = 6.25, q = 3.74, γ = 15.44', () => {
    const g = result.model!.gamma_gamma!;
    expect(fixed(g['p'], 2)).toBe('6.25');
    expect(fixed(g['q'], 2)).toBe('3.74');
    expect(fixed(g['gamma'], 2)).toBe('15.44');
    expect(g).toMatchObject({ customers: 946, excluded_zero_repeat_spend: 0, converged: true });
    // The population mean pγ/(q−1), every one-time buyer's expected value.
    const mean = (Number(g['p']) * Number(g['gamma'])) / (Number(g['q']) - 1);
    expect(Number(g['population_mean_value'])).toBeCloseTo(mean, 10);
    for (const c of result.customers.filter((c) => c['frequency'] === 0)) {
      expect(Number(c['expected_avg_value'])).toBeCloseTo(mean, 10);
    }
  });

  it('gives P(alive) and the expected hold-out purchases of the integrated posterior, customer by customer', () => {
    const seen = new Map<string, { pAlive: number; expected: number }>();
    let expectedTotal = 0;
    for (const c of result.customers) {
      const x = Number(c['frequency']);
      const tx = Number(c['recency']);
      const T = Number(c['T']);
      const key = `${x}:${tx}:${T}`;
      let post = seen.get(key);
      if (!post) {
        const p = posterior(bg, x, tx, T, [39]);
        post = { pAlive: p.pAlive, expected: p.expected[0]! };
        seen.set(key, post);
      }
      expect(Number(c['p_alive']), String(c['customer_id'])).toBeCloseTo(post.pAlive, 8);
      expect(Number(c['holdout_expected']) / post.expected, String(c['customer_id'])).toBeCloseTo(1, 6);
      expectedTotal += post.expected;
    }
    // One-time buyers cannot have dropped out under BG/NBD: P(alive) is exactly 1.
    expect(result.customers.filter((c) => c['frequency'] === 0).every((c) => c['p_alive'] === 1)).toBe(true);
    const holdout = result.holdout!;
    expect(holdout).toMatchObject({ from: CALIBRATION_END, to: AS_OF, length: 39, customers: 2357 });
    expect(Number(holdout['expected']) / expectedTotal).toBeCloseTo(1, 8);
    // The actual hold-out: repeat purchase days from 1997-10-01 to 1998-06-30, counted straight from the file.
    const rows = gunzipSync(readFileSync(join(ROOT, 'fixtures', 'cdnow', 'cdnow_sample.csv.gz')))
      .toString()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const holdoutDays = new Set(rows.filter((r) => r[2]! >= CALIBRATION_END).map((r) => `${r[1]}:${r[2]}`));
    expect(holdout['actual']).toBe(holdoutDays.size);
  });

  it('for a few customers, matches the integrated posterior over a year and with discounting', () => {
    const g = result.model!.gamma_gamma!;
    const [p, q, gamma] = [Number(g['p']), Number(g['q']), Number(g['gamma'])];
    // Customer 1 is FHL's worked example: 2 repeat purchases, the last at 30.43 weeks, T = 38.86.
    for (const id of ['1', '18', '509', '1516', '3']) {
      const c = byId.get(id)!;
      const x = Number(c['frequency']);
      const post = posterior(bg, x, Number(c['recency']), Number(c['T']), [52]);
      expect(Number(c['expected_purchases']) / post.expected[0]!, id).toBeCloseTo(1, 6);
      const spend =
        x > 0
          ? expectedSpend(p, q, gamma, x, (Number(c['revenue']) - firstDay(id)) / x)
          : (p * gamma) / (q - 1);
      expect(Number(c['expected_avg_value']) / spend, id).toBeCloseTo(1, 8);
      expect(Number(c['clv']) / (post.expected[0]! * spend), id).toBeCloseTo(1, 6);
    }
  });

  /** The revenue of a customer's first purchase day in the file. */
  function firstDay(id: string): number {
    const rows = gunzipSync(readFileSync(join(ROOT, 'fixtures', 'cdnow', 'cdnow_sample.csv.gz')))
      .toString()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((r) => r[1] === id);
    const first = rows.map((r) => r[2]!).sort()[0];
    return rows.filter((r) => r[2] === first).reduce((s, r) => s + Number(r[4]), 0);
  }

  it('discounts per unit: Σ_k (E[Y(k)] − E[Y(k−1)]) × value / (1 + d)^k', async () => {
    const discounted = await clvReport(reportContext(engine, NOW), {
      as_of: CALIBRATION_END,
      horizon: 26,
      discount_rate: 0.01,
      limit: 50_000,
    });
    const byIdD = new Map(discounted.customers.map((c) => [String(c['customer_id']), c]));
    const m = discounted.model!.bgnbd;
    const params = { r: Number(m['r']), alpha: Number(m['alpha']), a: Number(m['a']), b: Number(m['b']) };
    for (const id of ['1', '509', '3']) {
      const c = byIdD.get(id)!;
      const post = posterior(params, Number(c['frequency']), Number(c['recency']), Number(c['T']), [26], {
        d: 0.01,
        K: 26,
      });
      expect(Number(c['expected_purchases']) / post.expected[0]!, id).toBeCloseTo(1, 6);
      expect(Number(c['clv']) / (post.discounted! * Number(c['expected_avg_value'])), id).toBeCloseTo(1, 6);
      expect(Number(c['clv'])).toBeLessThan(
        Number(c['expected_purchases']) * Number(c['expected_avg_value']),
      );
    }
  });

  it('tabulates the hold-out by calibration frequency 0, 1, …, 7+: mean actual and mean expected', () => {
    const table = result.holdout!['by_frequency'] as Row[];
    expect(table.map((r) => r['frequency'])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    for (const row of table) {
      const k = Number(row['frequency_min']);
      const group = result.customers.filter((c) =>
        k === 7 ? Number(c['frequency']) >= 7 : Number(c['frequency']) === k,
      );
      expect(row['customers']).toBe(group.length);
      const mean = (f: string) => group.reduce((s, c) => s + Number(c[f]), 0) / group.length;
      expect(Number(row['actual_mean'])).toBeCloseTo(mean('holdout_actual'), 10);
      expect(Number(row['expected_mean'])).toBeCloseTo(mean('holdout_expected'), 10);
    }
  });

  it('in days rather than weeks: α scales by 7, r, a, b and P(alive) do not change', async () => {
    const days = await clvReport(reportContext(engine, NOW), {
      as_of: CALIBRATION_END,
      unit: 'day',
      limit: 50_000,
    });
    const d = days.model!.bgnbd;
    expect(Number(d['r']) / bg.r).toBeCloseTo(1, 4);
    expect(Number(d['alpha']) / (7 * bg.alpha)).toBeCloseTo(1, 4);
    expect(Number(d['a']) / bg.a).toBeCloseTo(1, 4);
    expect(Number(d['b']) / bg.b).toBeCloseTo(1, 4);
    for (const c of days.customers.slice(0, 200)) {
      const w = byId.get(String(c['customer_id']))!;
      expect(Number(c['T'])).toBeCloseTo(Number(w['T']) * 7, 9);
      expect(Number(c['p_alive'])).toBeCloseTo(Number(w['p_alive']), 5);
    }
  });

  it('answers over HTTP and as CSV from the registry, with the same fit', async () => {
    const app = await buildApp({ engine, root: ROOT, now: () => NOW });
    try {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/reports/clv',
        payload: { as_of: AS_OF, calibration_end: CALIBRATION_END, limit: 5 },
      });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.model.bgnbd.r).toBeCloseTo(bg.r, 6);
      expect(body.customers).toHaveLength(5);
      expect(Object.keys(body.customers[0])).toEqual([
        'customer_id',
        'frequency',
        'recency',
        'T',
        'p_alive',
        'expected_purchases',
        'expected_avg_value',
        'clv',
        'revenue',
        'holdout_actual',
        'holdout_expected',
      ]);
      const bad = await app.inject({
        method: 'POST',
        url: '/v1/reports/clv',
        payload: { as_of: AS_OF, calibration_end: AS_OF },
      });
      expect(bad.statusCode).toBe(400);
    } finally {
      await app.close();
    }
    const csv = await runReport(reportContext(engine, NOW), 'clv', { as_of: CALIBRATION_END }, 'csv');
    let text = '';
    for await (const chunk of csv.stream!) text += new TextDecoder().decode(chunk);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,frequency,recency,T,p_alive,expected_purchases,expected_avg_value,clv,revenue',
    );
    expect(lines).toHaveLength(2358);
  });
});
