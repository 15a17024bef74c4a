import type { ChartKind } from '../schema';
import {
  type ChartInput,
  channel,
  d3Format,
  esc,
  info,
  periodUnit,
  tooltip,
  type VegaLiteSpec,
  ys,
} from './fields';

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 'container',
  height: 'container',
} as const;

function xOf(input: ChartInput): string | undefined {
  return input.encoding.x ?? input.dimensions[0];
}

function colorOf(input: ChartInput): string | undefined {
  return input.encoding.color ?? input.dimensions.find((d) => d !== xOf(input));
}

/** Several measures on one axis: folded into (series, value) so each becomes a coloured series. */
function folded(input: ChartInput, measures: string[]): { transform: object[]; y: object; color: object } {
  const titles = JSON.stringify(Object.fromEntries(measures.map((m) => [m, info(input, m).title])));
  return {
    transform: [
      { fold: measures.map(esc), as: ['series', 'value'] },
      { calculate: `${titles}[datum.series] || datum.series`, as: 'series_title' },
    ],
    y: { field: 'value', type: 'quantitative', title: null },
    color: { field: 'series_title', type: 'nominal', title: null },
  };
}

function lineLike(input: ChartInput, mark: 'line' | 'area'): VegaLiteSpec {
  const x = xOf(input);
  if (!x) throw new Error('a line or area chart needs a dimension for x');
  const measures = ys(input);
  const color = measures.length === 1 ? colorOf(input) : undefined;
  const layers: object[] = [];
  for (const [lower, upper] of input.encoding.band ?? []) {
    layers.push({
      mark: { type: 'area', opacity: 0.18 },
      encoding: {
        x: channel(input, x),
        y: channel(input, lower, { title: null }),
        y2: { field: esc(upper) },
      },
    });
  }
  const main =
    measures.length === 1
      ? {
          mark: { type: mark, point: mark === 'line', tooltip: true },
          encoding: {
            x: channel(input, x),
            y: channel(input, measures[0]!),
            ...(color ? { color: channel(input, color) } : {}),
            tooltip: tooltip(input, [x, ...(color ? [color] : []), measures[0]!]),
          },
        }
      : (() => {
          const f = folded(input, measures);
          return {
            transform: f.transform,
            mark: { type: mark, point: mark === 'line', tooltip: true },
            encoding: { x: channel(input, x), y: f.y, color: f.color },
          };
        })();
  layers.push(main);
  return { ...BASE, layer: layers };
}

function bars(input: ChartInput, stacked: boolean): VegaLiteSpec {
  const x = xOf(input);
  const [y] = ys(input);
  if (!x || !y) throw new Error('a bar chart needs a dimension and a measure');
  const color = stacked ? colorOf(input) : input.encoding.color;
  const xInfo = info(input, x);
  return {
    ...BASE,
    mark: { type: 'bar', tooltip: true, cursor: 'pointer' },
    encoding: {
      x: channel(
        input,
        x,
        xInfo.kind === 'nominal'
          ? { sort: color ? undefined : '-y', axis: { labelLimit: 120 } }
          : xInfo.kind === 'temporal'
            ? // Ordinal periods: one padded band per period, labelled by its unit.
              { timeUnit: periodUnit(input.rows, x), type: 'ordinal', scale: { type: 'band' } }
            : // A numeric dimension (a rating, a score): one bar per value.
              { type: 'ordinal', axis: { labelAngle: 0 } },
      ),
      y: channel(input, y),
      ...(color ? { color: channel(input, color) } : {}),
      tooltip: tooltip(input, [x, ...(color ? [color] : []), y]),
    },
  };
}

function heatmap(input: ChartInput): VegaLiteSpec {
  const x = xOf(input);
  const y = input.dimensions.find((d) => d !== x) ?? input.encoding.color;
  const [c] = ys(input);
  if (!x || !y || !c) throw new Error('a heatmap needs two dimensions and a measure');
  return {
    ...BASE,
    layer: [
      {
        mark: { type: 'rect', tooltip: true, cursor: 'pointer' },
        encoding: {
          x: channel(input, x, { type: 'ordinal' }),
          y: channel(input, y, { type: 'ordinal' }),
          color: channel(input, c),
          tooltip: tooltip(input, [x, y, c]),
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x: channel(input, x, { type: 'ordinal' }),
          y: channel(input, y, { type: 'ordinal' }),
          text: channel(input, c, { format: d3Format(info(input, c).format, 'axis') ?? ',.0f' }),
        },
      },
    ],
  };
}

function scatter(input: ChartInput): VegaLiteSpec {
  const [x, y] = input.measures.length >= 2 ? input.measures : [input.encoding.x, ys(input)[0]];
  if (!x || !y) throw new Error('a scatter needs two measures');
  const label = input.dimensions[0];
  return {
    ...BASE,
    mark: { type: 'point', filled: true, tooltip: true },
    encoding: {
      x: channel(input, x),
      y: channel(input, y),
      ...(input.encoding.size ? { size: channel(input, input.encoding.size) } : {}),
      ...(colorOf(input) ? { color: channel(input, colorOf(input)!) } : {}),
      tooltip: tooltip(input, [...(label ? [label] : []), x, y]),
    },
  };
}

function funnel(input: ChartInput): VegaLiteSpec {
  const step = input.encoding.x ?? 'step';
  const [actors] = ys(input);
  const y = actors ?? 'actors';
  return {
    ...BASE,
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: { y: { field: esc(step), type: 'nominal', sort: null, title: null }, x: channel(input, y) },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: esc(step), type: 'nominal', sort: null },
          x: channel(input, y),
          text: { field: 'conversion_from_first', type: 'quantitative', format: '.1%' },
        },
      },
    ],
  };
}

function grid(input: ChartInput): VegaLiteSpec {
  const label = xOf(input);
  const [m] = ys(input);
  if (!label || !m) throw new Error('a grid needs a dimension and a measure');
  const columns = 4;
  const position = [
    { window: [{ op: 'row_number', as: 'i' }], sort: [{ field: esc(m), order: 'descending' }] },
    { calculate: `(datum.i - 1) % ${columns}`, as: 'col' },
    { calculate: `floor((datum.i - 1) / ${columns})`, as: 'row' },
  ];
  const cell = {
    x: { field: 'col', type: 'ordinal', axis: null },
    y: { field: 'row', type: 'ordinal', axis: null },
  };
  return {
    ...BASE,
    transform: position,
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2, tooltip: true, cursor: 'pointer' },
        encoding: { ...cell, color: channel(input, m), tooltip: tooltip(input, [label, m]) },
      },
      {
        mark: { type: 'text', fontSize: 10, dy: -6 },
        encoding: { ...cell, text: { field: esc(label), type: 'nominal' } },
      },
      {
        mark: { type: 'text', fontSize: 10, dy: 8 },
        encoding: {
          ...cell,
          text: channel(input, m, { format: d3Format(info(input, m).format, 'axis') ?? ',.0f' }),
        },
      },
    ],
  };
}

function textTable(input: ChartInput, columns: readonly string[]): VegaLiteSpec {
  const shown = columns.slice(0, 6);
  return {
    $schema: BASE.$schema,
    transform: [{ window: [{ op: 'row_number', as: 'row' }] }, { filter: 'datum.row <= 15' }],
    hconcat: shown.map((c) => ({
      width: 110,
      title: info(input, c).title,
      mark: { type: 'text', align: 'left' },
      encoding: { y: { field: 'row', type: 'ordinal', axis: null }, text: channel(input, c) },
    })),
  };
}

/** KPI numbers: percentages with a decimal, amounts whole, other numbers with up to two decimals. */
function kpiFormat(format?: string): string {
  return format === 'percent' ? '.1%' : format === 'number' ? ',.2~f' : ',.0f';
}

function kpi(input: ChartInput): VegaLiteSpec {
  const [m] = ys(input);
  return {
    ...BASE,
    mark: { type: 'text', fontSize: 28, fontWeight: 'bold' },
    encoding: {
      text: m ? channel(input, m, { format: kpiFormat(info(input, m).format) }) : { value: '—' },
    },
  };
}

/** The Vega-Lite spec of a shorthand chart (without data: the caller injects the rows). */
export function shorthandSpec(kind: ChartKind, input: ChartInput, columns: readonly string[]): VegaLiteSpec {
  switch (kind) {
    case 'line':
      return lineLike(input, 'line');
    case 'area':
      return lineLike(input, 'area');
    case 'bar':
      return bars(input, false);
    case 'stacked_bar':
      return bars(input, true);
    case 'heatmap':
      return heatmap(input);
    case 'scatter':
      return scatter(input);
    case 'funnel':
      return funnel(input);
    case 'grid':
      return grid(input);
    case 'table':
      return textTable(input, columns);
    case 'kpi':
      return kpi(input);
  }
}
