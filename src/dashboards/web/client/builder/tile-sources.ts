import type { TileDefinition } from '../../shared/builder-data';
import { tileName } from './layout';

/** What the builder asks for a tile made from a cube query. */
export interface QueryTileInput {
  readonly title: string;
  readonly measure: string;
  readonly dimension?: string;
  /** A time dimension and granularity: the chart runs over time, and the date filter reaches it. */
  readonly time?: { readonly dimension: string; readonly granularity: string };
  readonly chart: 'kpi' | 'line' | 'bar' | 'table';
}

/**
 * A query tile: the date filter restricts its time dimension when it has one; otherwise it says
 * `use_date_filter: false`, as `rapport check` asks of a tile a date filter cannot reach.
 */
export function queryTile(input: QueryTileInput, taken: readonly string[]): TileDefinition {
  const query: Record<string, unknown> = { measures: [input.measure] };
  if (input.dimension) query['dimensions'] = [input.dimension];
  if (input.time && input.chart !== 'kpi')
    query['timeDimensions'] = [{ dimension: input.time.dimension, granularity: input.time.granularity }];
  const tile: TileDefinition = {
    name: tileName(input.title, taken),
    title: input.title,
    chart: input.chart,
    query,
    width: input.chart === 'kpi' ? 3 : 6,
    height: input.chart === 'kpi' ? 1 : 2,
  };
  if (input.time) tile['time'] = input.time.dimension;
  else tile['use_date_filter'] = false;
  if (input.chart === 'kpi') tile['compare'] = [];
  return tile;
}

/** A saved question (agent Q's /v1/questions) as it reaches the builder. */
export interface QuestionSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly query: Record<string, unknown>;
  readonly chart: Record<string, unknown>;
}

const CHARTS = ['kpi', 'line', 'bar', 'stacked_bar', 'area', 'heatmap', 'scatter', 'table'];

/**
 * A tile from a saved question: its query as it is, its chart type when the dashboards draw that
 * kind; Explore saves only the measure it charts, so without a type a query over time bucketed by
 * a granularity is a line and anything else a table. The date filter restricts its first time
 * dimension.
 */
export function questionTile(q: QuestionSummary, taken: readonly string[]): TileDefinition {
  const query = { ...q.query };
  delete query['limit'];
  delete query['offset'];
  const wanted = String(q.chart['type'] ?? q.chart['kind'] ?? '');
  const first = (query['timeDimensions'] as { dimension?: string; granularity?: string }[] | undefined)?.[0];
  const time = first?.dimension;
  const chart = CHARTS.includes(wanted) ? wanted : first?.granularity ? 'line' : 'table';
  const tile: TileDefinition = {
    name: tileName(q.name, taken),
    title: q.name,
    chart,
    query,
    width: chart === 'kpi' ? 3 : 6,
    height: chart === 'kpi' ? 1 : 2,
  };
  if (q.description) tile['description'] = q.description;
  if (time) tile['time'] = time;
  else tile['use_date_filter'] = false;
  return tile;
}
