import { arima } from './arima';
import { combination } from './combination';
import { ets } from './ets';
import { hwAdditive, hwAdditiveDamped, hwMultiplicative, hwMultiplicativeDamped } from './holt-winters';
import { seasonalNaive } from './seasonal-naive';
import { theta } from './theta';
import { trendSeasonal } from './trend-seasonal';
import type { ForecastMethod, MethodName } from './types';

export const METHODS: ReadonlyMap<MethodName, ForecastMethod> = new Map(
  [
    seasonalNaive,
    hwAdditive,
    hwMultiplicative,
    hwAdditiveDamped,
    hwMultiplicativeDamped,
    trendSeasonal,
    ets,
    theta,
    arima,
    combination,
  ].map((m) => [m.name, m]),
);

export { METHOD_NAMES, type MethodName } from './types';
