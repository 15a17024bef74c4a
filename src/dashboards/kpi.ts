import type { Row } from '../engine';
import { type ComparisonKind, comparisonPlan } from '../query/comparison';
import type { ResolvedDateRange } from '../query/date-range';
import type { CubeQuery } from '../query/schema';
import { type Coverage, coverageOf } from '../reports/common/coverage';
import { formatDay, formatWindow } from '../util/periods';
import { type DateRange, withDateRange } from './filters';
import type { DashboardServices } from './services';
import type { Better, Kpi, KpiComparison, KpiWindow } from './web/shared/tile-types';

export interface KpiMeasure {
  readonly name: string;
  readonly format?: string;
  readonly unit?: string;
  readonly better: Better;
}

const windowOf = (r: ResolvedDateRange): KpiWindow => ({
  from: r.from,
  to: r.to,
  label: formatWindow(r.from, r.to),
});

const firstValue = (rows: readonly Row[], measure: string): number | null => {
  const v = rows[0]?.[measure];
  return v === undefined || v === null ? null : Number(v);
};

/** The calendar day after a wall time's day: 'YYYY-MM-DD'. */
const dayAfter = (t: string) =>
  new Date(Date.parse(`${t.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Why the data cannot say what happened in `w`, or undefined when it covers it. */
export function uncovered(w: Pick<ResolvedDateRange, 'from' | 'to'>, coverage: Coverage): string | undefined {
  if (coverage.from === null || coverage.to === null) return 'no data is loaded';
  // A day's grace at each end: a fact whose first row is on the day after the window starts
  // still covers it, and a read at 10:30 before today's load still covers "this month".
  if (coverage.from.slice(0, 10) > dayAfter(w.from)) return `no data before ${formatDay(coverage.from)}`;
  if (dayAfter(coverage.to) < w.to.slice(0, 10)) return `no data after ${formatDay(coverage.to)}`;
  return undefined;
}

function change(
  value: number | null,
  previous: number | null,
  measure: KpiMeasure,
): Pick<KpiComparison, 'delta' | 'delta_unit' | 'tone' | 'reason'> {
  const pts = measure.format === 'percent';
  const delta_unit = pts ? 'pts' : 'percent';
  if (value === null) return { delta: null, delta_unit, tone: 'neutral', reason: 'no value in this period' };
  if (previous === null)
    return { delta: null, delta_unit, tone: 'neutral', reason: 'no value in the earlier period' };
  if (!pts && previous === 0)
    return { delta: null, delta_unit, tone: 'neutral', reason: 'the earlier period is zero' };
  const delta = pts ? value - previous : (value - previous) / Math.abs(previous);
  const sign = Math.sign(delta);
  const tone =
    measure.better === 'none' || sign === 0
      ? 'neutral'
      : sign > 0 === (measure.better === 'higher')
        ? 'good'
        : 'bad';
  return { delta, delta_unit, tone };
}

/**
 * A KPI over a date range: its value over the range (up to now while the range runs), and its
 * change against the same elapsed span of the previous period and the same dates a year
 * earlier. A window the loaded data does not cover is n/a with the reason, never a percentage.
 */
export async function kpiWithComparisons(
  s: DashboardServices,
  query: CubeQuery,
  time: string,
  range: DateRange,
  measure: KpiMeasure,
  kinds: readonly ComparisonKind[],
): Promise<{ kpi: Kpi; query: CubeQuery; rows: Row[] }> {
  const tz = query.timezone ?? 'UTC';
  const plan = comparisonPlan(range, tz, s.reports.now(), kinds);
  const current = withDateRange(query, time, [plan.current.from, plan.current.to]);
  const rows = (await s.queries.load(current)).results[0]!.data;
  const value = firstValue(rows, measure.name);
  const coverage = await coverageOf(s.reports, time, tz, (statement) => s.queries.rows(statement));
  const partial = uncovered(plan.current, coverage);
  const comparisons: KpiComparison[] = [];
  for (const c of plan.comparisons) {
    const missing = uncovered(c.window, coverage) ?? partial;
    if (missing !== undefined) {
      comparisons.push({
        kind: c.kind,
        window: windowOf(c.window),
        value: null,
        delta: null,
        delta_unit: measure.format === 'percent' ? 'pts' : 'percent',
        tone: 'neutral',
        reason: missing,
      });
      continue;
    }
    const earlier = withDateRange(query, time, [c.window.from, c.window.to]);
    const previous = firstValue((await s.queries.load(earlier)).results[0]!.data, measure.name);
    comparisons.push({
      kind: c.kind,
      window: windowOf(c.window),
      value: previous,
      ...change(value, previous, measure),
    });
  }
  return {
    kpi: {
      value,
      format: measure.format,
      unit: measure.unit,
      better: measure.better,
      window: { ...windowOf(plan.current), to_date: plan.toDate, ...(partial ? { note: partial } : {}) },
      comparisons,
    },
    query: current,
    rows,
  };
}
