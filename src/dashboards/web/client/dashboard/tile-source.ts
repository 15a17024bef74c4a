import type { Row, TileResult } from '../api-types';
import { getJson, postJson } from '../core/api';

/** One click of a drill-down, as the drill endpoint takes it. */
export interface DrillStep {
  readonly member: string;
  readonly row: Row;
}

export function tileUrl(dashboard: string, tile: string, suffix: string): string {
  return `/v1/dashboards/${encodeURIComponent(dashboard)}/tiles/${encodeURIComponent(tile)}${suffix}`;
}

/** A tile's result for the filters, drilled along `path` when it is not empty. */
export function fetchTile(
  dashboard: string,
  tile: string,
  filters: Record<string, string>,
  path: readonly DrillStep[],
  signal: AbortSignal,
): Promise<TileResult> {
  if (path.length === 0) {
    const q = new URLSearchParams(filters).toString();
    return getJson<TileResult>(tileUrl(dashboard, tile, `.json${q ? `?${q}` : ''}`), signal);
  }
  return postJson<TileResult>(tileUrl(dashboard, tile, '/drill'), { filters, path }, signal);
}
