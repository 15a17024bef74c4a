import type { Row } from '../engine';
import type { LogicalQuery } from '../model/logical-query';
import { dimensionAnnotation, measureAnnotation } from '../model/meta';
import type { Model } from '../model/types';
import { resolveDateRange } from '../query/date-range';
import type { CubeQuery } from '../query/schema';
import { GROUPING_COLUMN } from '../sql/compile/query';

/** The query as the response echoes it: defaults filled in, date ranges absolute (Cube's normalised query). */
export function normalisedQuery(query: CubeQuery, logical: LogicalQuery, now: Date): Record<string, unknown> {
  const timezone = query.timezone ?? 'UTC';
  return {
    ...query,
    timeDimensions: query.timeDimensions.map((t) => {
      if (t.dateRange === undefined) return t;
      const r = resolveDateRange(t.dateRange, timezone, now);
      return { ...t, dateRange: [r.from, r.to] };
    }),
    order: logical.order.map((o) => [o.alias, o.direction]),
    limit: logical.limit,
    timezone,
    rowLimit: logical.limit,
  };
}

export function annotationOf(model: Model, logical: LogicalQuery) {
  const measures: Record<string, unknown> = {};
  const dimensions: Record<string, unknown> = {};
  const timeDimensions: Record<string, unknown> = {};
  const segments: Record<string, unknown> = {};
  for (const g of logical.groups)
    for (const m of g.measures) measures[m.alias] = measureAnnotation(model, m.measure);
  for (const d of logical.dimensions) {
    const a = dimensionAnnotation(d.dimension);
    if (d.granularity) {
      const g = { name: d.granularity, title: d.granularity, interval: `1 ${d.granularity}` };
      timeDimensions[d.alias] = { ...a, granularity: g };
      timeDimensions[d.dimension.fullName] = a;
    } else dimensions[d.alias] = a;
  }
  return { measures, dimensions, segments, timeDimensions };
}

/**
 * Shapes result rows as Cube returns them: time buckets as `YYYY-MM-DDTHH:mm:ss.SSS` under
 * both `cube.dim.granularity` and `cube.dim`, and subtotal rows of a rollup marked with
 * `__subtotal` (the dimensions they sum over).
 */
export function shapeRows(rows: Row[], logical: LogicalQuery, compareDateRange?: string): Row[] {
  const times = logical.dimensions.filter((d) => d.dimension.type === 'time');
  const rolled = logical.rollup;
  for (const row of rows) {
    for (const d of times) {
      const v = row[d.alias];
      if (typeof v === 'string' && v.length === 10) row[d.alias] = `${v}T00:00:00.000`;
      if (d.granularity && !(d.dimension.fullName in row)) row[d.dimension.fullName] = row[d.alias] ?? null;
    }
    if (rolled.length > 0) {
      const bits = Number(row[GROUPING_COLUMN] ?? 0);
      delete row[GROUPING_COLUMN];
      row['__subtotal'] = rolled.filter((_, i) => (bits >> (rolled.length - 1 - i)) & 1);
    }
    if (compareDateRange !== undefined) row['compareDateRange'] = compareDateRange;
  }
  return rows;
}
