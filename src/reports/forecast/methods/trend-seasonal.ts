import { Matrix, QrDecomposition } from 'ml-matrix';
import type { FittedModel, ForecastMethod } from './types';

export interface TrendSeasonalFit {
  readonly intercept: number;
  readonly slope: number;
  /** Effect of season position j (t ≡ j mod m) against position 0, whose effect is 0. */
  readonly season: readonly number[];
  readonly sse: number;
}

/** The design row of period t: 1, t, and dummies for season positions 1..m−1. */
function designRow(t: number, m: number): number[] {
  const row = new Array<number>(m + 1).fill(0);
  row[0] = 1;
  row[1] = t;
  if (t % m !== 0) row[1 + (t % m)] = 1;
  return row;
}

/** Ordinary least squares of y(t) = a + b·t + c_(t mod m) with c_0 = 0, by QR decomposition. */
export function fitTrendSeasonal(y: readonly number[], m: number): TrendSeasonalFit {
  const x = new Matrix(y.map((_, t) => designRow(t, m)));
  const qr = new QrDecomposition(x);
  if (!qr.isFullRank()) throw new Error('trend_seasonal: the design matrix is rank deficient');
  const beta = qr.solve(Matrix.columnVector([...y])).getColumn(0);
  const season = [0, ...beta.slice(2)];
  let sse = 0;
  y.forEach((v, t) => {
    sse += (v - beta[0]! - beta[1]! * t - season[t % m]!) ** 2;
  });
  return { intercept: beta[0]!, slope: beta[1]!, season, sse };
}

export const trendSeasonal: ForecastMethod = {
  name: 'trend_seasonal',
  // m + 1 coefficients and at least two residual degrees of freedom.
  minLength: (m) => m + 3,
  unsuitable: () => undefined,
  fit(y, m): FittedModel {
    const f = fitTrendSeasonal(y, m);
    const n = y.length;
    return {
      method: 'trend_seasonal',
      forecast: (h) =>
        Array.from({ length: h }, (_, i) => f.intercept + f.slope * (n + i) + f.season[(n + i) % m]!),
      sigma: Math.sqrt(f.sse / (n - m - 1)),
      df: n - m - 1,
      params: { ...f, residual_sd: Math.sqrt(f.sse / (n - m - 1)) },
    };
  },
};
