import { z } from 'zod';
import { MEMBER } from '../../query/schema';
import { IsoDate, ReportBaseShape } from '../common/params';
import { METHOD_NAMES } from './methods/types';
import { FORECAST_GRANULARITIES } from './periods';

export const ForecastParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** The cube measure to forecast [orders.revenue]. */
    measure: MEMBER.default('orders.revenue'),
    /** The time dimension [the first time dimension declared in the measure's cube]. */
    time_dimension: MEMBER.optional(),
    granularity: z.enum(FORECAST_GRANULARITIES).default('month'),
    /** A dimension: one series per value. */
    breakdown: MEMBER.optional(),
    /** With a breakdown, the values with the largest absolute totals are forecast [10]. */
    max_series: z.number().int().min(1).max(100).default(10),
    /** Periods to forecast [12]; the first is the current, incomplete one when as_of cuts a period. */
    horizon: z.number().int().min(1).max(520).default(12),
    method: z.enum(['auto', ...METHOD_NAMES]).default('auto'),
    /** Only periods starting on or after the period of this date. */
    from: IsoDate.optional(),
    /** Rolling origins of the backtest [12]; fewer when the series is too short. */
    backtest_origins: z.number().int().min(6).max(100).default(12),
  })
  .strict();

export type ForecastParams = z.infer<typeof ForecastParamsSchema>;
