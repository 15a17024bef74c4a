import { mean } from 'simple-statistics';
import { mase, maseScale, smape } from './accuracy';
import type { ForecastMethod, MethodName } from './methods/types';

/**
 * Rolling forecast origins: each origin t fits on y[0..t) and forecasts up to h steps. The last
 * `count` origins that still leave h steps to compare, never fitting on fewer than `minTrain`
 * periods; when the series is too short for that, origins move toward its end (later origins
 * then have fewer than h steps), and fewer than `count` are used only if the series allows no more.
 */
export function backtestOrigins(n: number, minTrain: number, h: number, count: number): number[] {
  let last = Math.max(minTrain, n - h);
  const first = Math.max(minTrain, last - count + 1);
  last = Math.min(n - 1, Math.max(last, first + count - 1));
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

export interface BacktestResult {
  readonly method: MethodName;
  readonly origins: number;
  /** Mean over origins of the origin's MASE; null when no origin had a positive scale. */
  readonly mase: number | null;
  /** Mean over origins of the origin's sMAPE (percent). */
  readonly smape: number;
  /** Forecast errors (actual − forecast) at step k + 1, one per origin that reached it. */
  readonly errorsByStep: readonly (readonly number[])[];
  /** The forecasts from each origin (up to h steps, fewer near the end of the series). */
  readonly forecasts: readonly (readonly number[])[];
  /** The last origin's warm start, for the fit on the whole series. */
  readonly warm?: unknown;
}

/** Scores forecasts made from the origins against the series. */
export function scoreBacktest(
  y: readonly number[],
  m: number,
  method: MethodName,
  origins: readonly number[],
  forecasts: readonly (readonly number[])[],
  h: number,
  warm?: unknown,
): BacktestResult {
  const errorsByStep: number[][] = Array.from({ length: h }, () => []);
  const mases: number[] = [];
  const smapes: number[] = [];
  origins.forEach((t, i) => {
    const forecast = forecasts[i]!;
    const actual = y.slice(t, t + forecast.length);
    actual.forEach((a, k) => {
      errorsByStep[k]!.push(a - forecast[k]!);
    });
    const s = mase(actual, forecast, maseScale(y.slice(0, t), m));
    if (s !== null) mases.push(s);
    smapes.push(smape(actual, forecast));
  });
  return {
    method,
    origins: origins.length,
    mase: mases.length > 0 ? mean(mases) : null,
    smape: smapes.length > 0 ? mean(smapes) : Number.NaN,
    errorsByStep,
    forecasts,
    warm,
  };
}

/**
 * Fits the method at each origin in turn (each fit may start from the previous origin's
 * solution: the same method on a shorter stretch, never on data past the origin) and scores
 * its forecasts.
 */
export function backtest(
  y: readonly number[],
  m: number,
  h: number,
  method: ForecastMethod,
  origins: readonly number[],
): BacktestResult {
  const forecasts: number[][] = [];
  let warm: unknown;
  for (const t of origins) {
    const steps = Math.min(h, y.length - t);
    const fitted = method.fit(y.slice(0, t), m, warm);
    warm = fitted.warm;
    forecasts.push(fitted.forecast(steps));
  }
  return scoreBacktest(y, m, method.name, origins, forecasts, h, warm);
}
