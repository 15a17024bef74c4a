import type { FittedModel, ForecastMethod } from './types';

/** ŷ(T+k) = y(T+k−m·⌈k/m⌉): the value of the same season one cycle earlier. */
export function seasonalNaiveForecast(y: readonly number[], m: number, h: number): number[] {
  const n = y.length;
  return Array.from({ length: h }, (_, i) => y[n - m + (i % m)]!);
}

export const seasonalNaive: ForecastMethod = {
  name: 'seasonal_naive',
  minLength: (m) => m + 1,
  unsuitable: () => undefined,
  fit(y, m): FittedModel {
    let sq = 0;
    for (let t = m; t < y.length; t++) sq += (y[t]! - y[t - m]!) ** 2;
    const sigma = Math.sqrt(sq / (y.length - m));
    return {
      method: 'seasonal_naive',
      forecast: (h) => seasonalNaiveForecast(y, m, h),
      sigma,
      df: y.length - m,
      params: { season_length: m },
    };
  },
};
