import { z } from 'zod';
import { IsoDate, JsonLimit, ReportBaseShape } from '../common/params';

export const CLV_UNITS = ['day', 'week', 'month'] as const;
export type ClvUnit = (typeof CLV_UNITS)[number];

/** Days per unit of time: a month is the mean Gregorian month, 365.25 / 12 days. */
export const UNIT_DAYS: Readonly<Record<ClvUnit, number>> = { day: 1, week: 7, month: 365.25 / 12 };

/** A year in each unit: the default horizon. */
export const YEAR_IN_UNITS: Readonly<Record<ClvUnit, number>> = { day: 365, week: 52, month: 12 };

export const ClvParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** Fit on purchases before this date only and check the predictions on those from it to as_of (the hold-out). */
    calibration_end: IsoDate.optional(),
    /** The unit of frequency, recency, T, the horizon and the discount rate [week]. */
    unit: z.enum(CLV_UNITS).default('week'),
    /** Units ahead that expected purchases and CLV cover [a year: 52 weeks, 12 months, 365 days]. */
    horizon: z.number().int().min(1).max(3660).optional(),
    /** Discount rate per unit of time: period k's purchases are worth 1/(1+rate)^k [0]. */
    discount_rate: z.number().min(0).max(1).default(0),
    limit: JsonLimit,
  })
  .strict()
  .refine((p) => p.horizon === undefined || p.horizon * UNIT_DAYS[p.unit] <= 3660, {
    message: 'the horizon is at most ten years (520 weeks, 120 months, 3,660 days)',
    path: ['horizon'],
  })
  .refine((p) => p.calibration_end === undefined || p.as_of === undefined || p.calibration_end < p.as_of, {
    message: 'calibration_end must be before as_of',
    path: ['calibration_end'],
  });

export type ClvParams = z.infer<typeof ClvParamsSchema>;

/** The horizon in units: as given, else a year. */
export function horizonOf(params: Pick<ClvParams, 'horizon' | 'unit'>): number {
  return params.horizon ?? YEAR_IN_UNITS[params.unit];
}
