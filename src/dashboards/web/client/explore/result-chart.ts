import type { Field } from '../api-types';
import { granularityOf } from '../core/format';
import type { ResultColumns } from './result-fields';

/** Vega-Lite reads dots in a field name as nested access; rapport's columns are `cube.member`. */
export function esc(name: string): string {
  return name.replace(/[\\.[\]]/g, (c) => `\\${c}`);
}

const AXIS_FORMAT: Readonly<Record<string, string>> = { currency: ',.0f', percent: '.0%', integer: ',d' };

/** Time buckets drawn at their own granularity, so ticks fall on months, not on every other Sunday. */
const TIME_UNITS: Readonly<Record<string, string>> = {
  year: 'year',
  quarter: 'yearquarter',
  month: 'yearmonth',
  week: 'yearweek',
  day: 'yearmonthdate',
};

function channel(f: Field, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const format = f.format ? AXIS_FORMAT[f.format] : undefined;
  const unit = f.kind === 'temporal' ? TIME_UNITS[granularityOf(f.name) ?? ''] : undefined;
  return {
    field: esc(f.name),
    type: f.kind === 'quantitative' ? 'quantitative' : f.kind === 'temporal' ? 'temporal' : 'nominal',
    title: f.title,
    ...(unit ? { timeUnit: unit } : {}),
    ...(format ? { axis: { format } } : {}),
    ...extra,
  };
}

/**
 * A chart of one measure of a result: a line over the time bucket when there is one, else bars
 * over the first dimension; the next dimension becomes colour. None without a measure.
 */
export function resultChartSpec(c: ResultColumns, measure?: string): Record<string, unknown> | undefined {
  const y = c.measures.find((m) => m.name === measure) ?? c.measures[0];
  if (!y) return undefined;
  const x = c.time ?? c.dimensions[0];
  const color = c.time ? c.dimensions[0] : c.dimensions[1];
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 'container',
  };
  const tooltip = [x, color, y]
    .filter((f): f is Field => f !== undefined)
    .map((f) => {
      const { axis: _axis, ...plain } = channel(f);
      return { ...plain, ...(f.format ? { format: AXIS_FORMAT[f.format] } : {}) };
    });
  if (!x) {
    return {
      ...base,
      mark: { type: 'bar', tooltip: true },
      encoding: { y: channel(y), tooltip },
    };
  }
  return {
    ...base,
    mark: c.time ? { type: 'line', point: true, tooltip: true } : { type: 'bar', tooltip: true },
    encoding: {
      x: channel(x, {
        ...(!c.time && !color ? { sort: '-y' } : {}),
        // Slanted names read better than the default vertical ones and need less height.
        ...(x.kind === 'nominal' ? { axis: { labelAngle: -35, labelAlign: 'right', labelLimit: 140 } } : {}),
      }),
      y: channel(y),
      ...(color ? { color: channel(color, { type: 'nominal' }) } : {}),
      tooltip,
    },
  };
}
