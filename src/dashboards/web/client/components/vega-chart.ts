import type { VisualizationSpec } from 'vega-embed';
import type { Row } from '../api-types';
import { CHART_CONFIG } from './chart-theme';

/** Each row handed to vega carries its index, so a clicked mark leads back to the API's row. */
const ROW_INDEX = '__row';

export interface ChartHandle {
  /** The image of the chart as a data URL (`png` at twice the pixels, for sharp exports). */
  toImageUrl(type: 'png' | 'svg'): Promise<string>;
  finalize(): void;
}

/**
 * Vega parses temporal fields into Dates in local time; where a click cannot be traced to its
 * row, such a Date is written back as the wall-clock text the API sent.
 */
function plainDatum(datum: Record<string, unknown>): Row {
  const out: Row = {};
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  for (const [k, v] of Object.entries(datum)) {
    out[k] =
      v instanceof Date
        ? `${v.getFullYear()}-${p(v.getMonth() + 1)}-${p(v.getDate())}T${p(v.getHours())}:${p(v.getMinutes())}:${p(v.getSeconds())}.${p(v.getMilliseconds(), 3)}`
        : v;
  }
  return out;
}

/** The spec to draw: rows copied (vega mutates what it ingests), fitted to its container, themed. */
export function preparedSpec(spec: Record<string, unknown>, rows: readonly Row[]): Record<string, unknown> {
  // One level deep: a spec's `legend: { labelExpr }` adds to the theme's legend, not replaces it.
  const own = (spec['config'] ?? {}) as Record<string, unknown>;
  const theme = CHART_CONFIG as Record<string, unknown>;
  const config: Record<string, unknown> = { ...theme };
  for (const [k, v] of Object.entries(own)) {
    const base = theme[k];
    const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
    config[k] = isObject(base) && isObject(v) ? { ...(base as object), ...(v as object) } : v;
  }
  return {
    ...spec,
    data: { values: rows.map((r, i) => ({ ...r, [ROW_INDEX]: i })) },
    autosize: spec['autosize'] ?? { type: 'fit', contains: 'padding' },
    config,
  };
}

/**
 * Draws a Vega-Lite spec into `el` with vega-embed (SVG renderer, no action menu). `onClick`
 * gets the row behind a clicked mark.
 */
export async function renderChart(
  el: HTMLElement,
  spec: Record<string, unknown>,
  rows: readonly Row[],
  onClick?: (row: Row) => void,
): Promise<ChartHandle> {
  const result = await vegaEmbed(el, preparedSpec(spec, rows) as VisualizationSpec, {
    actions: false,
    renderer: 'svg',
  });
  if (onClick) {
    result.view.addEventListener('click', (_event, item) => {
      const datum = item?.datum as Record<string, unknown> | undefined;
      if (!datum || typeof datum !== 'object') return;
      const index = datum[ROW_INDEX];
      const row = typeof index === 'number' ? rows[index] : undefined;
      onClick(row ?? plainDatum(datum));
    });
  }
  return {
    toImageUrl: (type) => result.view.toImageURL(type, type === 'png' ? 2 : 1),
    finalize: () => result.finalize(),
  };
}

/**
 * The spec with the marks of one group (rows whose `field` is `value`) at full opacity and the
 * others faded: how a picked group shows.
 */
export function highlighted(
  spec: Record<string, unknown>,
  field: string,
  value: unknown,
): Record<string, unknown> {
  const test = `datum[${JSON.stringify(field)}] === ${JSON.stringify(value)}`;
  const fade = (encoding: unknown) => ({
    ...((encoding as object | undefined) ?? {}),
    opacity: { condition: { test, value: 1 }, value: 0.3 },
  });
  const layers = spec['layer'];
  if (Array.isArray(layers)) {
    return {
      ...spec,
      layer: layers.map((l: Record<string, unknown>) =>
        l['mark'] ? { ...l, encoding: fade(l['encoding']) } : l,
      ),
    };
  }
  return spec['mark'] ? { ...spec, encoding: fade(spec['encoding']) } : spec;
}
