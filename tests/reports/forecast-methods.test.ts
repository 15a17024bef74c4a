import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mase, maseScale, smape } from '../../src/reports/forecast/accuracy';
import { backtestOrigins } from '../../src/reports/forecast/backtest';
import { AUTO_METHODS, forecastSeries } from '../../src/reports/forecast/forecast-series';
import { stepWidths, tQuantile, Z80, Z95 } from '../../src/reports/forecast/intervals';
import { arimaForecast, arimaVariance, fitArimaOrder } from '../../src/reports/forecast/methods/arima';
import { chooseDifferencing } from '../../src/reports/forecast/methods/arima-differencing';
import { combineForecasts } from '../../src/reports/forecast/methods/combination';
import {
  etsAdmissible,
  etsFilter,
  etsForecast,
  etsModels,
  etsName,
  selectEts,
} from '../../src/reports/forecast/methods/ets';
import {
  fitHoltWintersParams,
  type HwSpec,
  hwFilter,
  hwForecast,
  hwInitialState,
} from '../../src/reports/forecast/methods/holt-winters';
import { METHODS } from '../../src/reports/forecast/methods/index';
import { seasonalNaiveForecast } from '../../src/reports/forecast/methods/seasonal-naive';
import { fitTheta } from '../../src/reports/forecast/methods/theta';
import { fitTrendSeasonal } from '../../src/reports/forecast/methods/trend-seasonal';

/** A seeded generator of standard normal draws (LCG + Box–Muller), so the tests are reproducible. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** level + trend·t + a seasonal wave + N(0, sd²) noise. */
function synthetic(n: number, m: number, sd: number, seed: number, level = 100, trend = 0.3): number[] {
  const z = normals(seed);
  return Array.from(
    { length: n },
    (_, t) => level + trend * t + 8 * Math.sin((2 * Math.PI * t) / m) + sd * z(),
  );
}

/**
 * Holt-Winters as the textbook writes it (FPP2 §7.3): arrays l[t], b[t], s[t] indexed by time,
 * s[t − m] read back from the array, initial states from the first two seasons.
 */
function textbookHoltWinters(
  y: number[],
  m: number,
  mult: boolean,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  h: number,
) {
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mean1 = avg(y.slice(0, m));
  const b0 = (avg(y.slice(m, 2 * m)) - mean1) / m;
  const line = (t: number) => mean1 + (t - (m - 1) / 2) * b0;
  let seeds = y
    .slice(0, m)
    .map((v, i) =>
      mult ? (v / line(i) + y[i + m]! / line(i + m)) / 2 : (v - line(i) + y[i + m]! - line(i + m)) / 2,
    );
  const c = avg(seeds);
  seeds = seeds.map((s) => (mult ? s / c : s - c));
  // Time index k = t + 1; states at k = 0 are the initial ones, s[k] for k = 1 − m .. 0 stored at k + m − 1.
  const l = [line(-1)];
  const b = [b0];
  const s: number[] = [...seeds];
  const fitted: number[] = [];
  for (let k = 1; k <= y.length; k++) {
    const yk = y[k - 1]!;
    const sPrev = s[k - 1]!; // s[k − m] lives at (k − m) + m − 1
    const base = l[k - 1]! + phi * b[k - 1]!;
    fitted.push(mult ? base * sPrev : base + sPrev);
    l[k] = alpha * (mult ? yk / sPrev : yk - sPrev) + (1 - alpha) * base;
    b[k] = beta * (l[k]! - l[k - 1]!) + (1 - beta) * phi * b[k - 1]!;
    s[k + m - 1] = gamma * (mult ? yk / base : yk - base) + (1 - gamma) * sPrev;
  }
  const n = y.length;
  const forecast: number[] = [];
  for (let j = 1; j <= h; j++) {
    let damp = 0;
    for (let i = 1; i <= j; i++) damp += phi ** i;
    const season = s[n + m - 1 - m + 1 + ((j - 1) % m)]!; // s[n − m + 1 + (j − 1) mod m]
    const base = l[n]! + damp * b[n]!;
    forecast.push(mult ? base * season : base + season);
  }
  const sse = y.reduce((acc, v, i) => acc + (v - fitted[i]!) ** 2, 0);
  return { fitted, forecast, sse };
}

describe('seasonal naive', () => {
  it('repeats the last season exactly', () => {
    expect(seasonalNaiveForecast([1, 2, 3, 4, 5, 6, 7, 8], 4, 6)).toEqual([5, 6, 7, 8, 5, 6]);
    const fit = METHODS.get('seasonal_naive')!.fit([10, 20, 30, 13, 22, 30, 15], 3);
    expect(fit.forecast(4)).toEqual([22, 30, 15, 22]);
    // In-sample one-step errors y(t) − y(t − 3): 3, 2, 0, 2 → RMSE √(17/4).
    expect(fit.sigma).toBeCloseTo(Math.sqrt(17 / 4), 12);
  });
});

describe('Holt-Winters recursions', () => {
  const y = synthetic(48, 12, 3, 7);
  const cases: [string, HwSpec, number, number, number, number][] = [
    ['additive', { seasonality: 'additive', damped: false }, 0.4, 0.1, 0.2, 1],
    ['multiplicative', { seasonality: 'multiplicative', damped: false }, 0.3, 0.05, 0.3, 1],
    ['additive damped', { seasonality: 'additive', damped: true }, 0.5, 0.2, 0.1, 0.9],
    ['multiplicative damped', { seasonality: 'multiplicative', damped: true }, 0.2, 0.3, 0.4, 0.85],
  ];
  it.each(cases)(
    '%s: one-step errors and forecasts equal the textbook arrays',
    (_, spec, alpha, beta, gamma, phi) => {
      const mult = spec.seasonality === 'multiplicative';
      const init = hwInitialState(y, 12, spec.seasonality)!;
      const run = hwFilter(y, 12, spec, { alpha, beta, gamma, phi }, init);
      const book = textbookHoltWinters(y, 12, mult, alpha, beta, gamma, phi, 30);
      run.errors.forEach((e, i) => {
        expect(e).toBeCloseTo(y[i]! - book.fitted[i]!, 9);
      });
      expect(run.sse).toBeCloseTo(book.sse, 6);
      const f = hwForecast(run.state, y.length, 12, spec, phi, 30);
      f.forEach((v, i) => {
        expect(v).toBeCloseTo(book.forecast[i]!, 8);
      });
    },
  );

  it.each(cases)(
    '%s: fitted parameters beat a 0.1-step grid search of the squared one-step errors',
    (_, spec) => {
      const mult = spec.seasonality === 'multiplicative';
      const grid = Array.from({ length: 11 }, (_, i) => i / 10);
      const phis = spec.damped ? [0.8, 0.85, 0.9, 0.95, 0.98] : [1];
      let best = Number.POSITIVE_INFINITY;
      for (const a of grid)
        for (const b of grid)
          for (const g of grid)
            for (const p of phis) {
              const sse = textbookHoltWinters(y, 12, mult, a, b, g, p, 1).sse;
              if (sse < best) best = sse;
            }
      const init = hwInitialState(y, 12, spec.seasonality)!;
      const { params, run } = fitHoltWintersParams(y, 12, spec, init);
      expect(run.sse).toBeLessThanOrEqual(best * (1 + 1e-9));
      expect(run.sse).toBeCloseTo(
        textbookHoltWinters(y, 12, mult, params.alpha, params.beta, params.gamma, params.phi, 1).sse,
        6,
      );
      for (const v of [params.alpha, params.beta, params.gamma]) expect(v >= 0 && v <= 1).toBe(true);
      expect(params.phi).toBe(spec.damped ? params.phi : 1);
      if (spec.damped) expect(params.phi >= 0.8 && params.phi <= 0.98).toBe(true);
    },
  );
});

/** Least squares through the normal equations XᵀX β = Xᵀy, by Gauss–Jordan elimination. */
function normalEquations(x: number[][], y: number[]): number[] {
  const p = x[0]!.length;
  const a = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0)),
    x.reduce((s, row, t) => s + row[i]! * y[t]!, 0),
  ]);
  for (let c = 0; c < p; c++) {
    const pivot = a
      .slice(c)
      .reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(a[best]![c]!) ? i + c : best), c);
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= p; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[p]! / row[i]!);
}

describe('linear trend with seasonal dummies', () => {
  it('recovers the exact coefficients of a noiseless series', () => {
    const season = [0, 3, -2, 5];
    const y = Array.from({ length: 20 }, (_, t) => 10 + 0.5 * t + season[t % 4]!);
    const f = fitTrendSeasonal(y, 4);
    expect(f.intercept).toBeCloseTo(10, 9);
    expect(f.slope).toBeCloseTo(0.5, 9);
    f.season.forEach((c, j) => {
      expect(c).toBeCloseTo(season[j]!, 9);
    });
    expect(f.sse).toBeCloseTo(0, 9);
    const fit = METHODS.get('trend_seasonal')!.fit(y, 4);
    fit.forecast(5).forEach((v, k) => {
      expect(v).toBeCloseTo(10 + 0.5 * (20 + k) + season[(20 + k) % 4]!, 9);
    });
  });

  it('equals the least-squares solution of the normal equations on a noisy series', () => {
    const y = synthetic(40, 12, 5, 11);
    const x = y.map((_, t) => [1, t, ...Array.from({ length: 11 }, (_, j) => (t % 12 === j + 1 ? 1 : 0))]);
    const beta = normalEquations(x, y);
    const f = fitTrendSeasonal(y, 12);
    expect(f.intercept).toBeCloseTo(beta[0]!, 7);
    expect(f.slope).toBeCloseTo(beta[1]!, 9);
    f.season.slice(1).forEach((c, j) => {
      expect(c).toBeCloseTo(beta[2 + j]!, 7);
    });
  });
});

describe('accuracy measures', () => {
  it('MASE divides the mean absolute error by the in-sample seasonal naive error', () => {
    const train = [1, 2, 3, 4, 2, 3, 4, 6];
    // |2−1|, |3−2|, |4−3|, |6−4| → 5/4.
    expect(maseScale(train, 4)).toBe(1.25);
    // Mean |e| = (1 + 2) / 2 = 1.5; / 1.25.
    expect(mase([3, 4], [2, 6], 1.25)).toBeCloseTo(1.2, 12);
    // No full season before a point: the naive (lag 1) error, |2−1|, |4−2| → 1.5.
    expect(maseScale([1, 2, 4], 4)).toBe(1.5);
    expect(mase([1], [2], 0)).toBeNull();
  });

  it('sMAPE is the mean of 200·|a − f| / (|a| + |f|) with 0/0 counted as 0', () => {
    // 200·1/5 = 40, 200·2/10 = 40, 0/0 → 0, 200·1/1 = 200.
    expect(smape([3, 4, 0, 0], [2, 6, 0, 1])).toBeCloseTo((40 + 40 + 0 + 200) / 4, 12);
  });

  it('rolling origins leave h steps when they can, else move toward the end', () => {
    expect(backtestOrigins(100, 14, 12, 12)).toEqual(Array.from({ length: 12 }, (_, i) => 77 + i));
    // The demo's 30 months with Holt-Winters (24 to fit on): the six origins 24..29.
    expect(backtestOrigins(30, 24, 12, 12)).toEqual([24, 25, 26, 27, 28, 29]);
    expect(backtestOrigins(24, 24, 12, 12)).toEqual([]);
  });
});

describe('prediction intervals', () => {
  it('widen with the horizon', () => {
    const y = synthetic(60, 12, 4, 3);
    const f = forecastSeries(y, { seasonLength: 12, horizon: 18, method: 'auto', backtestOrigins: 12 });
    expect(f.forecast).toHaveLength(18);
    for (let k = 1; k < f.forecast.length; k++) {
      const a = f.forecast[k - 1]!;
      const b = f.forecast[k]!;
      expect(b.upper95 - b.lower95).toBeGreaterThanOrEqual(a.upper95 - a.lower95 - 1e-9);
      expect(b.upper80 - b.lower80).toBeGreaterThanOrEqual(a.upper80 - a.lower80 - 1e-9);
      expect(b.upper95 - b.upper80).toBeGreaterThan(0);
    }
    expect(f.forecast[0]!.interval_source).toBe('backtest');
    const first = f.forecast[0]!;
    expect(first.df).toBe(12);
    expect(first.upper95 - first.forecast).toBeCloseTo(tQuantile(Z95, 12) * first.sd, 9);
  });

  it('use Student-t quantiles for widths estimated from few errors', () => {
    // Tables: t(0.975; 5) = 2.5706, t(0.975; 12) = 2.1788, t(0.9; 10) = 1.3722, t(0.975; 30) = 2.0423.
    expect(tQuantile(Z95, 5)).toBeCloseTo(2.5706, 3);
    expect(tQuantile(Z95, 12)).toBeCloseTo(2.1788, 3);
    expect(tQuantile(Z80, 10)).toBeCloseTo(1.3722, 3);
    expect(tQuantile(Z95, 30)).toBeCloseTo(2.0423, 3);
    expect(tQuantile(Z95, Number.POSITIVE_INFINITY)).toBe(Z95);
  });

  it('take each step width from its backtest errors, then extrapolate by √k', () => {
    const errors = [
      [1, -1, 1, -1, 1, -1],
      [2, -2, 2, -2, 2],
      [3, -3, 3],
    ];
    const w = stepWidths(errors, { sd: 0.5, df: 20 }, 4);
    expect(w.map((x) => x.source)).toEqual([
      'backtest',
      'backtest',
      'backtest_extrapolated',
      'backtest_extrapolated',
    ]);
    expect(w.map((x) => x.sd)).toEqual([1, 2, 2 * Math.sqrt(3 / 2), 2 * Math.sqrt(4 / 2)]);
    expect(w.map((x) => x.df)).toEqual([6, 5, 5, 5]);
    const none = stepWidths([], { sd: 0.5, df: 20 }, 3);
    expect(none.map((x) => x.sd)).toEqual([0.5, 0.5 * Math.sqrt(2), 0.5 * Math.sqrt(3)]);
    expect(none[0]!.source).toBe('in_sample');
  });

  it('hold about 95% (and 80%) of the future values of a series with known noise', () => {
    const h = 6;
    const y = synthetic(160, 12, 4, 2024);
    let in95 = 0;
    let in80 = 0;
    let total = 0;
    for (let origin = 72; origin + h <= y.length; origin += 3) {
      const f = forecastSeries(y.slice(0, origin), {
        seasonLength: 12,
        horizon: h,
        method: 'holt_winters_additive',
        backtestOrigins: 12,
      });
      f.forecast.forEach((p, k) => {
        const actual = y[origin + k]!;
        total++;
        if (actual >= p.lower95 && actual <= p.upper95) in95++;
        if (actual >= p.lower80 && actual <= p.upper80) in80++;
      });
    }
    console.info(
      `interval coverage on ${total} future values: 95% → ${(in95 / total).toFixed(3)}, 80% → ${(in80 / total).toFixed(3)}`,
    );
    expect(in95 / total).toBeGreaterThan(0.92);
    expect(in95 / total).toBeLessThan(0.99);
    expect(in80 / total).toBeGreaterThan(0.72);
    expect(in80 / total).toBeLessThan(0.88);
  });
});

describe('method choice', () => {
  it('leaves multiplicative seasonality out of a series with zeros, with the reason', () => {
    const y = synthetic(48, 12, 2, 5);
    y[30] = 0;
    const f = forecastSeries(y, { seasonLength: 12, horizon: 12, method: 'auto', backtestOrigins: 12 });
    expect(f.excluded).toEqual([]);
    expect(f.backtest.table.map((r) => r.method)).toEqual([...AUTO_METHODS]);
    // ETS fits additive models only.
    expect(etsModels(false, true).map(etsName)).toEqual([
      'ETS(A,N,N)',
      'ETS(A,N,A)',
      'ETS(A,A,N)',
      'ETS(A,A,A)',
      'ETS(A,Ad,N)',
      'ETS(A,Ad,A)',
    ]);
    const asked = forecastSeries(y, {
      seasonLength: 12,
      horizon: 12,
      method: 'holt_winters_multiplicative',
      backtestOrigins: 12,
    });
    expect(asked.method).toBeNull();
    expect(asked.skipped).toMatch(/zeros or negatives/);
  });

  it('auto takes the lowest mean backtest MASE', () => {
    const y = synthetic(60, 12, 2, 9, 100, 1.5);
    const f = forecastSeries(y, { seasonLength: 12, horizon: 12, method: 'auto', backtestOrigins: 12 });
    const best = [...f.backtest.table].sort((a, b) => a.mase! - b.mase!)[0]!;
    expect(f.method).toBe(best.method);
    expect(f.accuracy.chosen).toEqual(best);
    expect(f.accuracy.seasonal_naive!.mase!).toBeGreaterThan(best.mase!);
    expect(f.backtest.origins).toHaveLength(12);
  });
});

/** The R references (fixtures/forecast-reference): series and R's forecasts from both cuts. */
function rReferences(): {
  name: string;
  frequency: number;
  values: number[];
  cuts: { train_length: number; horizon: number; theta: { mean: number[] }; ets: { model: string } }[];
}[] {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'forecast-reference');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((f) => {
      const d = JSON.parse(gunzipSync(readFileSync(join(dir, f))).toString('utf8'));
      return { ...d, cuts: [d.validation, d.test] };
    });
}

describe('ETS', () => {
  it('ETS(A,A,A) runs the Holt-Winters additive recursions, with β = α·β*', () => {
    const y = synthetic(60, 12, 3, 17);
    const hwInit = hwInitialState(y, 12, 'additive')!;
    const hw = hwFilter(
      y,
      12,
      { seasonality: 'additive', damped: false },
      { alpha: 0.4, beta: 0.25, gamma: 0.2, phi: 1 },
      hwInit,
    );
    const spec = { error: 'A', trend: 'A', season: 'A' } as const;
    const run = etsFilter(y, 12, spec, { alpha: 0.4, beta: 0.1, gamma: 0.2, phi: 1 }, hwInit, true);
    expect(run.sse).toBeCloseTo(hw.sse, 8);
    expect(run.state.level).toBeCloseTo(hw.state.level, 9);
    expect(run.state.trend).toBeCloseTo(hw.state.trend, 9);
    expect(etsForecast(run.state, 60, 12, spec, 1, 5)).toEqual(
      hwForecast(hw.state, 60, 12, { seasonality: 'additive', damped: false }, 1, 5).map((v) =>
        expect.closeTo(v, 9),
      ),
    );
  });

  it('refuses parameters outside the admissible region', () => {
    const spec = { error: 'A', trend: 'A', season: 'A' } as const;
    expect(etsAdmissible({ alpha: 0.5, beta: 0.1, gamma: 0.2, phi: 1 }, spec, 12)).toBe(true);
    expect(etsAdmissible({ alpha: 0.5, beta: 0.1, gamma: 1.6, phi: 1 }, spec, 12)).toBe(false);
    expect(
      etsAdmissible({ alpha: 2.5, beta: 0, gamma: 0, phi: 1 }, { error: 'A', trend: 'N', season: 'N' }, 1),
    ).toBe(false);
  });

  it('chooses by AICc the same model as R forecast::ets on most reference series', () => {
    const refs = rReferences();
    let same = 0;
    for (const r of refs) {
      const cut = r.cuts[0]!;
      const fit = selectEts(r.values.slice(0, cut.train_length), r.frequency).best!;
      if (etsName(fit.spec) === cut.ets.model) same++;
      expect(fit.params.beta).toBeLessThanOrEqual(fit.params.alpha);
      expect(fit.params.gamma).toBeLessThanOrEqual(1 - fit.params.alpha);
    }
    console.info(`ETS picks R's model on ${same} of ${refs.length} series`);
    expect(same).toBeGreaterThanOrEqual(9);
  });
});

describe('Theta', () => {
  it('equals R forecast::thetaf on every reference series and cut (relative 1e-4)', () => {
    for (const r of rReferences())
      for (const cut of r.cuts) {
        const f = fitTheta(r.values.slice(0, cut.train_length), r.frequency).forecast(cut.horizon);
        f.forEach((v, k) => {
          expect(Math.abs(v - cut.theta.mean[k]!) / Math.abs(cut.theta.mean[k]!)).toBeLessThan(1e-4);
        });
      }
  });
});

describe('ARIMA', () => {
  it('AR(1) by conditional sum of squares is the least-squares regression on the lagged value', () => {
    const z = normals(99);
    const y = [50];
    for (let t = 1; t < 300; t++) y.push(50 + 0.6 * (y[t - 1]! - 50) + z());
    const f = fitArimaOrder(y, 1, { p: 1, d: 0, q: 0, P: 0, D: 0, Q: 0, constant: true })!;
    // y(t) = c + φ·y(t − 1) by ordinary least squares; the mean is c / (1 − φ).
    const [c, phi] = normalEquations(
      y.slice(1).map((_, t) => [1, y[t]!]),
      y.slice(1),
    ) as [number, number];
    expect(f.ar[0]!).toBeCloseTo(phi, 3);
    expect(f.mean).toBeCloseTo(c / (1 - phi), 2);
    expect(phi).toBeGreaterThan(0.45);
    expect(phi).toBeLessThan(0.75);
  });

  it('a random walk with drift: forecasts last + k·drift, variance σ²·k', () => {
    const y = [10, 12, 13, 15, 18, 19, 21, 24, 25, 27, 30, 31];
    const f = fitArimaOrder(y, 1, { p: 0, d: 1, q: 0, P: 0, D: 0, Q: 0, constant: true })!;
    const drift = (31 - 10) / 11;
    expect(f.mean).toBeCloseTo(drift, 4);
    arimaForecast(y, f, 3).forEach((v, k) => {
      expect(v).toBeCloseTo(31 + (k + 1) * drift, 4);
    });
    expect(arimaVariance(f, 3)).toEqual([1, 2, 3].map((k) => expect.closeTo(f.sigma2 * k, 9)));
  });

  it('differences a strongly seasonal trending series once, seasonally and regularly', () => {
    const y = synthetic(96, 12, 1, 4, 100, 1).map((v, t) => v + (t * t) / 200);
    expect(chooseDifferencing(y, 12)).toEqual({ d: 1, D: 1 });
  });
});

describe('combination', () => {
  it('takes the median of the forecasts at each step', () => {
    expect(
      combineForecasts([
        [1, 5, 3],
        [2, 2, 9],
        [3, 1, 4],
      ]),
    ).toEqual([2, 2, 4]);
  });
});
