export const FORECAST_GRANULARITIES = ['day', 'week', 'month', 'quarter'] as const;
export type ForecastGranularity = (typeof FORECAST_GRANULARITIES)[number];

/**
 * Season length by granularity. Weeks are ISO weeks (Monday) with a season of 52: a 53-week
 * year is not special-cased, so the seasonal lag is 364 days and drifts one week against the
 * calendar after each 53-week year.
 */
export const SEASON_LENGTH: Readonly<Record<ForecastGranularity, number>> = {
  day: 7,
  week: 52,
  month: 12,
  quarter: 4,
};

const DAY_MS = 86_400_000;
const utc = (day: string) => new Date(`${day}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return iso(new Date(utc(day).getTime() + n * DAY_MS));
}

/** The first day of the period holding `day` (weeks start on Monday). */
export function periodStart(day: string, g: ForecastGranularity): string {
  const d = utc(day);
  switch (g) {
    case 'day':
      return day;
    case 'week':
      return addDays(day, -((d.getUTCDay() + 6) % 7));
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'quarter': {
      const month = Math.floor(d.getUTCMonth() / 3) * 3 + 1;
      return `${day.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
    }
  }
}

/** The start of the period k periods after the period starting at `start`. */
export function addPeriods(start: string, k: number, g: ForecastGranularity): string {
  if (g === 'day') return addDays(start, k);
  if (g === 'week') return addDays(start, 7 * k);
  const d = utc(start);
  const months = d.getUTCMonth() + k * (g === 'quarter' ? 3 : 1);
  return iso(new Date(Date.UTC(d.getUTCFullYear() + Math.floor(months / 12), ((months % 12) + 12) % 12, 1)));
}

/** Period starts from `first` to `last` inclusive. */
export function periodRange(first: string, last: string, g: ForecastGranularity): string[] {
  const out: string[] = [];
  for (let p = first; p <= last; p = addPeriods(p, 1, g)) out.push(p);
  return out;
}
