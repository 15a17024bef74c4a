import {
  formatWallTime,
  parseResolved,
  type ResolvedDateRange,
  resolveDateRange,
  shiftDateRange,
  wallClock,
} from './date-range';

export const COMPARISONS = ['previous_period', 'previous_year'] as const;
export type ComparisonKind = (typeof COMPARISONS)[number];

export interface ComparisonWindow {
  readonly kind: ComparisonKind;
  readonly window: ResolvedDateRange;
}

export interface ComparisonPlan {
  /**
   * The window the value covers: the range itself, or, while the range is still running ("this
   * year", "this month", or any range holding now), the part of it up to now.
   */
  readonly current: ResolvedDateRange;
  /** The range holds now, so `current` stops at now: a period to date. */
  readonly toDate: boolean;
  /**
   * The windows to compare with, each as long as `current` in calendar terms: the same elapsed
   * span of the previous period, and the same dates a year earlier. A previous period that is
   * the year before (last 12 months) appears once, as the previous year.
   */
  readonly comparisons: readonly ComparisonWindow[];
}

const range = (from: number, to: number): ResolvedDateRange => ({
  from: formatWallTime(from),
  to: formatWallTime(to),
  toExclusive: formatWallTime(to + 1),
});

const isMonthStart = (t: number) => {
  const d = new Date(t);
  return d.getUTCDate() === 1 && t % 86_400_000 === 0;
};

const monthIndex = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();

/**
 * How far back the previous period of `full` lies: whole months when the range is whole
 * months (so a quarter is compared with the quarter before, whatever their lengths), else its
 * exact length (a week with the week before, 14 days with the 14 before).
 */
function previousShift(full: ResolvedDateRange): (r: ResolvedDateRange) => ResolvedDateRange {
  const from = parseResolved(full.from);
  const end = parseResolved(full.to) + 1;
  if (isMonthStart(from) && isMonthStart(end)) {
    const months = monthIndex(end) - monthIndex(from);
    return (r) => shiftDateRange(r, -months, 'month');
  }
  const length = end - from;
  return (r) => range(parseResolved(r.from) - length, parseResolved(r.to) - length);
}

/** The windows a KPI over `dateRange` is shown for and compared with, read at `now`. */
export function comparisonPlan(
  dateRange: string | readonly [string, string],
  timeZone: string,
  now: Date,
  kinds: readonly ComparisonKind[] = COMPARISONS,
): ComparisonPlan {
  const full = resolveDateRange(dateRange, timeZone, now);
  const from = parseResolved(full.from);
  const nowWall = wallClock(now, timeZone);
  const toDate = from < nowWall && nowWall <= parseResolved(full.to);
  const current = toDate ? range(from, nowWall - 1) : full;
  const windows: ComparisonWindow[] = [];
  const year = shiftDateRange(current, -1, 'year');
  for (const kind of kinds) {
    const window = kind === 'previous_year' ? year : previousShift(full)(current);
    windows.push({ kind, window });
  }
  const same = (a: ResolvedDateRange, b: ResolvedDateRange) => a.from === b.from && a.to === b.to;
  const comparisons = windows.filter(
    (w) => !(w.kind === 'previous_period' && kinds.includes('previous_year') && same(w.window, year)),
  );
  return { current, toDate, comparisons };
}
