import { AppError } from '../../errors';

/**
 * The single value an alert watches in a question's answer: the named measure (else the first)
 * of the first row; for a time-series question (a time dimension with a granularity), of the
 * last complete period, with the complete periods before it for change_pct and the forecast.
 * Rows of one period beyond the first (other dimensions) are not read.
 */

export interface Watched {
  /** The measure read. */
  readonly measure: string;
  /** The period's start (`YYYY-MM-DD`) of a time series; null otherwise. */
  readonly period: string | null;
  readonly value: number;
  /** The values of the complete periods before `period`, oldest first (empty without a series). */
  readonly before: readonly number[];
  readonly granularity: string | null;
}

const MONTHS: Readonly<Record<string, number>> = { month: 1, quarter: 3, year: 12 };
const DAYS: Readonly<Record<string, number>> = { day: 1, week: 7 };

/** The instant a period starting at `start` ends. */
export function periodEnd(start: string, granularity: string): Date {
  const d = new Date(`${start.slice(0, 10)}T00:00:00Z`);
  if (granularity in DAYS) return new Date(d.getTime() + DAYS[granularity]! * 86_400_000);
  const months = MONTHS[granularity];
  if (months === undefined) throw new AppError('VALIDATION_FAILED', `unknown granularity "${granularity}"`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()));
}

interface TimeSelection {
  readonly dimension: string;
  readonly granularity: string;
}

/** The query's first time dimension with a granularity: what makes a question a time series. */
export function timeSeriesOf(query: Record<string, unknown>): TimeSelection | undefined {
  const first = (Array.isArray(query['timeDimensions']) ? query['timeDimensions'] : [])[0] as
    | { dimension?: unknown; granularity?: unknown }
    | undefined;
  if (typeof first?.dimension !== 'string' || typeof first.granularity !== 'string') return undefined;
  return { dimension: first.dimension, granularity: first.granularity };
}

/** The measure an alert watches: the one named (which the query must select), else the first. */
export function watchedMeasure(query: Record<string, unknown>, named: string | null): string {
  const measures = (Array.isArray(query['measures']) ? query['measures'] : []).filter(
    (m): m is string => typeof m === 'string',
  );
  if (named !== null) {
    if (!measures.includes(named))
      throw new AppError(
        'VALIDATION_FAILED',
        `the question does not select measure "${named}"; it selects ${measures.join(', ') || 'no measure'}`,
        { measure: named },
      );
    return named;
  }
  const first = measures[0];
  if (!first)
    throw new AppError('VALIDATION_FAILED', 'an alert watches a measure; the question selects none');
  return first;
}

function numberOf(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function watchedValue(
  query: Record<string, unknown>,
  rows: readonly Record<string, unknown>[],
  named: string | null,
  now: Date,
): Watched {
  const measure = watchedMeasure(query, named);
  const series = timeSeriesOf(query);
  if (!series) {
    const value = numberOf(rows[0]?.[measure]);
    if (value === undefined) throw new AppError('NOT_FOUND', `the question answered no value of ${measure}`);
    return { measure, period: null, value, before: [], granularity: null };
  }
  const key = `${series.dimension}.${series.granularity}`;
  // One value per complete period, in time order; the period still running is left out.
  const byPeriod = new Map<string, number>();
  for (const row of rows) {
    const start = String(row[key] ?? '').slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || byPeriod.has(start)) continue;
    if (periodEnd(start, series.granularity).getTime() > now.getTime()) continue;
    byPeriod.set(start, numberOf(row[measure]) ?? 0);
  }
  const periods = [...byPeriod.keys()].sort();
  const last = periods.at(-1);
  if (last === undefined)
    throw new AppError('NOT_FOUND', `the question answered no complete ${series.granularity} of ${measure}`);
  return {
    measure,
    period: last,
    value: byPeriod.get(last)!,
    before: periods.slice(0, -1).map((p) => byPeriod.get(p)!),
    granularity: series.granularity,
  };
}
