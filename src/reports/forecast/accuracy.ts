import { mean } from 'simple-statistics';

/**
 * The MASE scale: the in-sample mean absolute error of the seasonal naive method, |y(t) − y(t−m)|;
 * with no full season of history before a point, of the naive method (lag 1).
 */
export function maseScale(train: readonly number[], m: number): number {
  const lag = train.length > m ? m : 1;
  if (train.length <= lag) return Number.NaN;
  let s = 0;
  for (let t = lag; t < train.length; t++) s += Math.abs(train[t]! - train[t - lag]!);
  return s / (train.length - lag);
}

/** Mean absolute scaled error; null when the scale is 0 (a perfectly repeating history). */
export function mase(actual: readonly number[], forecast: readonly number[], scale: number): number | null {
  if (!(scale > 0)) return null;
  return mean(actual.map((a, i) => Math.abs(a - forecast[i]!))) / scale;
}

/** Symmetric MAPE in percent: mean of 200·|a − f| / (|a| + |f|), a term being 0 when a = f = 0. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  return mean(
    actual.map((a, i) => {
      const f = forecast[i]!;
      const d = Math.abs(a) + Math.abs(f);
      return d === 0 ? 0 : (200 * Math.abs(a - f)) / d;
    }),
  );
}
