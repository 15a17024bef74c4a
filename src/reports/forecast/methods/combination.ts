import { arima } from './arima';
import { ets } from './ets';
import { theta } from './theta';
import type { FittedModel, ForecastMethod, MethodName } from './types';

/** The methods the combination averages. */
export const COMBINED: readonly MethodName[] = ['ets', 'arima', 'theta'];

const BY_NAME = new Map<MethodName, ForecastMethod>([ets, arima, theta].map((x) => [x.name, x]));

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const k = xs.length;
  return k % 2 === 1 ? xs[(k - 1) / 2]! : (xs[k / 2 - 1]! + xs[k / 2]!) / 2;
}

/**
 * The combined point forecast at each step: the median of the methods' forecasts (with three
 * methods, the middle one: one method gone astray does not move it).
 */
export function combineForecasts(forecasts: readonly (readonly number[])[]): number[] {
  const h = Math.min(...forecasts.map((f) => f.length));
  return Array.from({ length: h }, (_, k) => median(forecasts.map((f) => f[k]!)));
}

/**
 * The combination of fitted models: the median of their forecasts; its error variance, the
 * square of the mean of their error sds (the methods' errors move together, so their sds are
 * averaged rather than their variances).
 */
export function combineModels(models: readonly FittedModel[]): FittedModel {
  const sdMean = (h: number) => {
    const v = models.map((f) =>
      f.variance ? f.variance(h) : Array.from({ length: h }, (_, k) => f.sigma ** 2 * (k + 1)),
    );
    return Array.from({ length: h }, (_, k) => (v.reduce((s, x) => s + Math.sqrt(x[k]!), 0) / v.length) ** 2);
  };
  return {
    method: 'combination',
    forecast: (h) => combineForecasts(models.map((f) => f.forecast(h))),
    variance: sdMean,
    sigma: models.reduce((s, f) => s + f.sigma, 0) / models.length,
    df: Math.min(...models.map((f) => f.df)),
    params: { combines: 'median', methods: Object.fromEntries(models.map((f) => [f.method, f.params])) },
    warm: Object.fromEntries(models.map((f) => [f.method, f.warm])),
  };
}

export const combination: ForecastMethod = {
  name: 'combination',
  minLength: (m) => Math.max(...COMBINED.map((n) => BY_NAME.get(n)!.minLength(m))),
  unsuitable: () => undefined,
  fit(y, m, warm): FittedModel {
    const w = (warm ?? {}) as Record<string, unknown>;
    return combineModels(COMBINED.map((n) => BY_NAME.get(n)!.fit(y, m, w[n])));
  },
};
