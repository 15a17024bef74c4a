import type { JsonValue, Row } from '../../engine';
import type { FieldInfo } from '../web/shared/tile-types';

export type { FieldInfo };

export interface ChartInput {
  readonly rows: readonly Row[];
  readonly fields: ReadonlyMap<string, FieldInfo>;
  /** Dimension-like columns (in order) and measure-like columns (in order). */
  readonly dimensions: readonly string[];
  readonly measures: readonly string[];
  readonly encoding: {
    x?: string;
    y?: string | string[];
    color?: string;
    size?: string;
    band?: [string, string][];
  };
  readonly title: string;
}

export type VegaLiteSpec = Record<string, unknown>;

/** Vega-Lite reads dots in field names as nested access; rapport's columns are `cube.member`. */
export function esc(name: string): string {
  return name.replaceAll('\\', '\\\\').replaceAll('.', '\\.').replaceAll('[', '\\[').replaceAll(']', '\\]');
}

export function info(input: ChartInput, name: string): FieldInfo {
  return input.fields.get(name) ?? { name, title: name, kind: 'nominal' };
}

/**
 * A Vega-Lite format string for a rapport format: compact on axes (€15M, 40%), exact in
 * tooltips (€15,213,004.12, 40.2%). `$` is the locale's currency, set to € by `withLabels`.
 */
export function d3Format(format?: string, use: 'axis' | 'tooltip' = 'tooltip'): string | undefined {
  switch (format) {
    case 'currency':
      return use === 'axis' ? '$.3~s' : '$,.2f';
    case 'percent':
      return use === 'axis' ? '.0%' : '.1%';
    case 'integer':
      return ',d';
    case 'number':
      return ',.2~f';
    default:
      return undefined;
  }
}

/** An axis or legend title with the field's unit: "Median first response (hours)". */
export function titleWithUnit(f: FieldInfo): string {
  return f.unit ? `${f.title} (${f.unit})` : f.title;
}

const PERIOD_AXIS: Record<string, { format: string; interval: string; months: number }> = {
  year: { format: '%Y', interval: 'year', months: 12 },
  yearquarter: { format: 'Q%q %Y', interval: 'month', months: 3 },
  yearmonth: { format: '%b %Y', interval: 'month', months: 1 },
};

/** One tick per period, or per 2, 3, 6, 12… periods so that a long series keeps about a dozen. */
function periodAxis(rows: readonly Row[], name: string): Record<string, unknown> | undefined {
  const unit = PERIOD_AXIS[periodUnit(rows, name).replace(/^utc/, '')];
  if (!unit) return undefined;
  const periods = new Set(rows.map((r) => r[name])).size;
  const per = [1, 2, 3, 6, 12, 24, 60].find((p) => periods / p <= 14) ?? 120;
  const step = unit.interval === 'year' ? per : per * unit.months;
  return { format: unit.format, tickCount: { interval: unit.interval, step } };
}

export function channel(
  input: ChartInput,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const f = info(input, name);
  const format = d3Format(f.format, 'axis');
  const out: Record<string, unknown> = { field: esc(name), type: f.kind, title: titleWithUnit(f), ...extra };
  if (format && f.kind === 'quantitative') out['axis'] = { format, ...(extra['axis'] as object | undefined) };
  if (f.kind === 'temporal' && isDateOnly(input.rows.find((r) => r[name] != null)?.[name]))
    out['scale'] = { type: 'utc', ...(extra['scale'] as object | undefined) };
  if (f.kind === 'temporal' && extra['timeUnit'] === undefined) {
    // A continuous time axis picks its own ticks (half months, weeks); monthly or coarser
    // periods read better with one labelled tick per period.
    const axis = periodAxis(input.rows, name);
    // No formatType: vega formats a utc scale's labels in UTC by itself.
    if (axis) out['axis'] = { ...axis, labelOverlap: true, ...(extra['axis'] as object | undefined) };
  }
  return out;
}

export function tooltip(input: ChartInput, names: readonly string[]): Record<string, unknown>[] {
  return names.map((n) => {
    const f = info(input, n);
    const format = d3Format(f.format);
    return {
      field: esc(n),
      type: f.kind,
      title: titleWithUnit(f),
      ...(format && f.kind === 'quantitative' ? { format } : {}),
    };
  });
}

export function ys(input: ChartInput): string[] {
  const y = input.encoding.y;
  if (y === undefined) return input.measures.slice(0, 1);
  return Array.isArray(y) ? y : [y];
}

export function value(row: Row, name: string): JsonValue {
  return row[name] ?? null;
}

/**
 * The coarsest calendar unit every value of a temporal column starts on (year, quarter, month,
 * else day): bars over time take that unit, so each bar is as wide as its period.
 */
export function periodUnit(rows: readonly Row[], name: string): string {
  const values = rows.map((r) => r[name]).filter((v): v is string => typeof v === 'string');
  const days = values.map((v) => v.slice(0, 10));
  const all = (test: (month: number, day: number) => boolean) =>
    days.length > 0 && days.every((d) => test(Number(d.slice(5, 7)), Number(d.slice(8, 10))));
  const unit = all((m, d) => m === 1 && d === 1)
    ? 'year'
    : all((m, d) => d === 1 && (m - 1) % 3 === 0)
      ? 'yearquarter'
      : all((_, d) => d === 1)
        ? 'yearmonth'
        : 'yearmonthdate';
  return isDateOnly(values[0]) ? `utc${unit}` : unit;
}

/**
 * Browsers read "2026-07-01" as UTC midnight but "2026-07-01T00:00:00.000" as local time:
 * report dates (date-only) are drawn on a UTC scale so that no zone moves them a day back.
 */
export function isDateOnly(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
}
