import { type BacktestResult, backtest, backtestOrigins, scoreBacktest } from './backtest';
import { type Interval, intervalOf, stepWidths, type WidthSource } from './intervals';
import { METHOD_NAMES, METHODS, type MethodName } from './methods';
import { COMBINED, combineForecasts } from './methods/combination';
import type { FittedModel } from './methods/types';

/** docs/analytics.md: h-step forecasts from at least this many origins where the series allows. */
export const MIN_ORIGINS = 6;

export interface SeriesForecastOptions {
  readonly seasonLength: number;
  readonly horizon: number;
  readonly method: MethodName | 'auto';
  /** How many rolling origins the backtest aims for (at least MIN_ORIGINS). */
  readonly backtestOrigins: number;
}

export interface Accuracy {
  readonly method: MethodName;
  readonly mase: number | null;
  readonly smape: number;
  readonly origins: number;
}

export interface ForecastPoint extends Interval {
  readonly step: number;
  readonly forecast: number;
  readonly sd: number;
  readonly df: number;
  readonly interval_source: WidthSource;
}

export interface SeriesForecast {
  /** The method forecasting the series; null when none could (see `skipped`). */
  readonly method: MethodName | null;
  readonly skipped?: string;
  /** How the method was chosen: the lowest backtest MASE, as asked, or a fallback. */
  readonly chosen_by: 'backtest' | 'requested' | 'fallback' | null;
  readonly params: Record<string, unknown> | null;
  /** Methods left out, with the reason. */
  readonly excluded: readonly { method: MethodName; reason: string }[];
  readonly backtest: {
    /** Indexes (0-based periods of the fitted series) of the forecast origins. */
    readonly origins: readonly number[];
    readonly table: readonly Accuracy[];
  };
  readonly accuracy: { readonly chosen: Accuracy | null; readonly seasonal_naive: Accuracy | null };
  readonly forecast: readonly ForecastPoint[];
}

const accuracyOf = (r: BacktestResult): Accuracy => ({
  method: r.method,
  mase: r.mase,
  smape: r.smape,
  origins: r.origins,
});

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The methods `auto` chooses from, by backtest: seasonal naive, ETS, Theta, ARIMA and their combination. */
export const AUTO_METHODS: readonly MethodName[] = ['seasonal_naive', 'ets', 'theta', 'arima', 'combination'];

/**
 * The methods backtested: auto's; for a requested method, it (with the methods it combines) and
 * seasonal naive, the benchmark the output compares with.
 */
export function consideredMethods(method: MethodName | 'auto'): MethodName[] {
  if (method === 'auto') return [...AUTO_METHODS];
  const wanted = new Set<MethodName>([
    'seasonal_naive',
    method,
    ...(method === 'combination' ? COMBINED : []),
  ]);
  return METHOD_NAMES.filter((name) => wanted.has(name));
}

/**
 * Forecasts one series of complete periods: the methods considered (`consideredMethods`) are
 * backtested from the same rolling origins; `auto` takes the lowest mean MASE; the chosen method
 * is refitted on the whole series and its intervals come from `stepWidths`: the larger of the
 * model's own error sd and the sd of its backtest errors, step by step.
 */
export function forecastSeries(y: readonly number[], options: SeriesForecastOptions): SeriesForecast {
  const m = options.seasonLength;
  const h = options.horizon;
  const n = y.length;
  const excluded: { method: MethodName; reason: string }[] = [];
  const considered = consideredMethods(options.method);
  const fittable = considered.filter((name) => {
    const method = METHODS.get(name)!;
    const min = method.minLength(m);
    const reason =
      n < min
        ? `needs at least ${min} complete periods; the series has ${n}`
        : (method.unsuitable(y, m) ?? undefined);
    if (reason) excluded.push({ method: name, reason });
    return reason === undefined;
  });
  const minTrain = (name: MethodName) => Math.max(METHODS.get(name)!.minLength(m), m + 1);
  const count = options.backtestOrigins;
  const available = fittable.map((name) => backtestOrigins(n, minTrain(name), h, count).length);
  const target = Math.min(MIN_ORIGINS, Math.max(0, ...available));
  const candidates = fittable.filter((name, i) => {
    if (available[i]! > 0 && available[i]! >= target) return true;
    excluded.push({
      method: name,
      reason:
        available[i] === 0
          ? 'the series is too short for a backtest of this method'
          : `too short to backtest from ${target} origins (${available[i]} possible)`,
    });
    return false;
  });
  const origins =
    candidates.length === 0 ? [] : backtestOrigins(n, Math.max(...candidates.map(minTrain)), h, count);
  const results: BacktestResult[] = [];
  for (const name of candidates) {
    if (name === 'combination') continue;
    try {
      results.push(backtest(y, m, h, METHODS.get(name)!, origins));
    } catch (e) {
      excluded.push({ method: name, reason: `failed at a backtest origin: ${describe(e)}` });
    }
  }
  if (candidates.includes('combination')) {
    // The combination's backtest combines its methods' forecasts from the same origins.
    const parts = COMBINED.map((name) => results.find((r) => r.method === name));
    if (parts.every((p) => p !== undefined)) {
      const forecasts = origins.map((_, i) => combineForecasts(parts.map((p) => p.forecasts[i]!)));
      const warm = Object.fromEntries(parts.map((p) => [p.method, p.warm]));
      results.push(scoreBacktest(y, m, 'combination', origins, forecasts, h, warm));
    } else
      excluded.push({ method: 'combination', reason: 'a method it combines failed at a backtest origin' });
  }

  let chosen: MethodName | undefined;
  let chosenBy: SeriesForecast['chosen_by'] = null;
  if (options.method !== 'auto') {
    if (fittable.includes(options.method)) {
      chosen = options.method;
      chosenBy = 'requested';
    }
  } else {
    const ranked = results
      .filter((r) => r.mase !== null)
      .sort((a, b) => a.mase! - b.mase! || considered.indexOf(a.method) - considered.indexOf(b.method));
    chosen = ranked[0]?.method;
    chosenBy = 'backtest';
    if (chosen === undefined) {
      chosen = fittable.includes('seasonal_naive') ? 'seasonal_naive' : fittable[0];
      chosenBy = 'fallback';
    }
  }
  const table = results.map(accuracyOf);
  const snResult = results.find((r) => r.method === 'seasonal_naive');
  const empty = {
    excluded,
    backtest: { origins, table },
    accuracy: { chosen: null, seasonal_naive: snResult ? accuracyOf(snResult) : null },
    forecast: [],
    params: null,
  };
  if (chosen === undefined) {
    const why = excluded.find((e) => e.method === options.method)?.reason;
    return {
      ...empty,
      method: null,
      chosen_by: null,
      skipped:
        options.method === 'auto'
          ? `no method applies to a series of ${n} complete periods (season length ${m})`
          : `${options.method} does not apply: ${why}`,
    };
  }
  let fitted: FittedModel;
  try {
    fitted = METHODS.get(chosen)!.fit(y, m, results.find((r) => r.method === chosen)?.warm);
  } catch (e) {
    return { ...empty, method: null, chosen_by: null, skipped: `${chosen} failed to fit: ${describe(e)}` };
  }
  const chosenResult = results.find((r) => r.method === chosen);
  const widths = stepWidths(
    chosenResult?.errorsByStep ?? [],
    { sd: fitted.sigma, df: fitted.df },
    h,
    fitted.variance ? { variance: fitted.variance(h), df: fitted.df } : undefined,
  );
  const forecast = fitted.forecast(h).map((value, i) => {
    const w = widths[i]!;
    return {
      step: i + 1,
      forecast: value,
      sd: w.sd,
      df: w.df,
      interval_source: w.source,
      ...intervalOf(value, w),
    };
  });
  return {
    ...empty,
    method: chosen,
    chosen_by: chosenBy,
    params: fitted.params,
    accuracy: {
      chosen: chosenResult ? accuracyOf(chosenResult) : null,
      seasonal_naive: empty.accuracy.seasonal_naive,
    },
    forecast,
  };
}
