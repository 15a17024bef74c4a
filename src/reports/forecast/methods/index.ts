import { hwAdditive, hwAdditiveDamped, hwMultiplicative, hwMultiplicativeDamped } from './holt-winters';
import { seasonalNaive } from './seasonal-naive';
import { trendSeasonal } from './trend-seasonal';
import type { ForecastMethod, MethodName } from './types';

export const METHODS: ReadonlyMap<MethodName, ForecastMethod> = new Map(
  [seasonalNaive, hwAdditive, hwMultiplicative, hwAdditiveDamped, hwMultiplicativeDamped, trendSeasonal].map(
    (m) => [m.name, m],
  ),
);

export { METHOD_NAMES, type MethodName } from './types';
