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
}

export function backtest(
  y: readonly number[],
  m: number,
  h: number,
  method: ForecastMethod,
  origins: readonly number[],
): BacktestResult {
  const errorsByStep: number[][] = Array.from({ length: h }, () => []);
  const mases: number[] = [];
  const smapes: number[] = [];
  for (const t of origins) {
    const train = y.slice(0, t);
    const steps = Math.min(h, y.length - t);
    const forecast = method.fit(train, m).forecast(steps);
    const actual = y.slice(t, t + steps);
    actual.forEach((a, k) => {
      errorsByStep[k]!.push(a - forecast[k]!);
    });
    const s = mase(actual, forecast, maseScale(train, m));
    if (s !== null) mases.push(s);
    smapes.push(smape(actual, forecast));
  }
  return {
    method: method.name,
    origins: origins.length,
    mase: mases.length > 0 ? mean(mases) : null,
    smape: smapes.length > 0 ? mean(smapes) : Number.NaN,
    errorsByStep,
  };
}
