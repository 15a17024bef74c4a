import { AppError } from '../../errors';
import type { ForecastParams } from './params';

/**
 * The most work one forecast may ask for: every series is fitted from each backtest origin and
 * once more on the whole series, each fit and forecast costing about its length plus the
 * horizon. A monthly forecast of 10 series is about 7,000 units; a daily one of a year, 12
 * origins and a 90-day horizon about 20,000 per series.
 */
export const MAX_FORECAST_WORK = 2_000_000;

/** Refuses (422) a forecast whose series, origins and horizon add up to more than the limit. */
export function checkWorkload(params: ForecastParams, lengths: readonly number[]): void {
  const work = lengths.reduce((sum, n) => sum + (params.backtest_origins + 1) * (n + params.horizon), 0);
  if (work <= MAX_FORECAST_WORK) return;
  throw new AppError(
    'WORK_LIMIT_EXCEEDED',
    `this forecast asks for about ${work.toLocaleString('en-US')} units of work (${lengths.length} series × ` +
      `${params.backtest_origins + 1} fits × periods + horizon); at most ${MAX_FORECAST_WORK.toLocaleString('en-US')} ` +
      'are allowed: ask for fewer series (max_series), fewer backtest_origins, a shorter horizon or a coarser granularity',
    { work, limit: MAX_FORECAST_WORK },
  );
}
