import type { LoadResult } from '../cube';
import type { Row } from '../engine';
import type { ChartInput, FieldInfo } from './charts/fields';
import type { Tile } from './schema';
import type { Better } from './web/shared/tile-types';

/** Columns of a query result, typed from its annotation. */
export function queryFields(result: Pick<LoadResult, 'annotation'>): {
  fields: Map<string, FieldInfo>;
  dimensions: string[];
  measures: string[];
} {
  const fields = new Map<string, FieldInfo>();
  const a = result.annotation as {
    measures: Record<
      string,
      { title: string; shortTitle: string; format?: string; unit?: string; better?: Better }
    >;
    dimensions: Record<
      string,
      {
        title: string;
        shortTitle: string;
        type: string;
        format?: string;
        labels?: Record<string, string>;
        humanize?: boolean;
      }
    >;
    timeDimensions: Record<string, { title: string; shortTitle: string; granularity?: unknown }>;
  };
  const dimensions: string[] = [];
  for (const [name, d] of Object.entries(a.timeDimensions)) {
    if (!d.granularity) continue;
    fields.set(name, { name, title: d.shortTitle, kind: 'temporal' });
    dimensions.push(name);
  }
  for (const [name, d] of Object.entries(a.dimensions)) {
    fields.set(name, {
      name,
      title: d.shortTitle,
      kind: d.type === 'number' ? 'quantitative' : d.type === 'time' ? 'temporal' : 'nominal',
      format: d.format,
      ...(d.labels ? { labels: d.labels } : {}),
      ...(d.humanize ? { humanize: true } : {}),
    });
    dimensions.push(name);
  }
  const measures = Object.keys(a.measures);
  for (const name of measures) {
    const m = a.measures[name]!;
    fields.set(name, {
      name,
      title: m.shortTitle,
      kind: 'quantitative',
      format: m.format,
      ...(m.unit ? { unit: m.unit } : {}),
      better: m.better ?? 'higher',
    });
  }
  return { fields, dimensions, measures };
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

const ACRONYMS: Record<string, string> = { roi: 'ROI', romi: 'ROMI', cac: 'CAC', rfm: 'RFM', id: 'id' };

/** A report column's title: `attributed_revenue` → "Attributed revenue", `roi` → "ROI". */
function titleOf(name: string): string {
  const t = name
    .split('_')
    .map((w) => ACRONYMS[w] ?? w)
    .join(' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Columns of report rows, typed from their values (numbers quantitative, ISO dates temporal). */
export function reportFields(
  rows: readonly Row[],
  columns: readonly string[],
  tile: Tile,
  /** The format of the measure a report works on (a forecast of revenue is in euros). */
  measureFormat?: string,
) {
  const fields = new Map<string, FieldInfo>();
  const dimensions: string[] = [];
  const measures: string[] = [];
  for (const c of columns) {
    const sample = rows.map((r) => r[c]).find((v) => v !== null && v !== undefined);
    const kind: FieldInfo['kind'] =
      typeof sample === 'number' && !/(_index|_offset|_score|cluster)$/.test(c)
        ? 'quantitative'
        : typeof sample === 'string' && ISO.test(sample)
          ? 'temporal'
          : 'nominal';
    // Shares and rates first: "revenue_share" is a percentage, not an amount.
    const format = /(rate|retention|share|conversion|uplift)/.test(c)
      ? 'percent'
      : /(revenue|amount|monetary|cost|value)/.test(c)
        ? 'currency'
        : (tile.format ??
          measureFormat ??
          (typeof sample === 'number' && !Number.isInteger(sample) ? 'number' : undefined));
    fields.set(c, {
      name: c,
      title: titleOf(c),
      kind,
      format: kind === 'quantitative' ? format : undefined,
      // A report's categories are codes (`best_case`, `closed_won`): shown in words.
      ...(kind === 'nominal' ? { humanize: true } : {}),
    });
    (kind === 'quantitative' ? measures : dimensions).push(c);
  }
  return { fields, dimensions, measures };
}

export function chartInput(
  tile: Tile,
  rows: readonly Row[],
  typed: ReturnType<typeof queryFields>,
): ChartInput {
  return {
    rows,
    fields: typed.fields,
    dimensions: typed.dimensions,
    measures: typed.measures,
    encoding: tile.encoding as ChartInput['encoding'],
    title: tile.title,
  };
}
