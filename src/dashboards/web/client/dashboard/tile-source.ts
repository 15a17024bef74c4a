import type { CubeQuery, Field, Row, TileResult } from '../api-types';
import { getJson, postJson } from '../core/api';
import type { DrillValue } from './drill-state';

/** One click of a drill-down, as the drill endpoint takes it. */
export interface DrillStep {
  readonly member: string;
  readonly row: Row;
}

export function tileUrl(dashboard: string, tile: string, suffix: string): string {
  return `/v1/dashboards/${encodeURIComponent(dashboard)}/tiles/${encodeURIComponent(tile)}${suffix}`;
}

/** A drill path as the server takes it: each step's row holds the clicked member's value only. */
export function drillSteps(path: readonly DrillValue[]): DrillStep[] {
  return path.map((s) => ({ member: s.member, row: { [s.member]: s.value } }));
}

/** A tile's result for the filters, drilled along `path` when it is not empty. */
export function fetchTile(
  dashboard: string,
  tile: string,
  filters: Record<string, string>,
  path: readonly DrillValue[],
  signal: AbortSignal,
): Promise<TileResult> {
  if (path.length === 0) {
    const q = new URLSearchParams(filters).toString();
    return getJson<TileResult>(tileUrl(dashboard, tile, `.json${q ? `?${q}` : ''}`), signal);
  }
  return postJson<TileResult>(
    tileUrl(dashboard, tile, '/drill'),
    { filters, path: drillSteps(path) },
    signal,
  );
}

/** What the records endpoint is asked: the tile's view and the clicked mark's row. */
export interface RecordsRequest {
  readonly dashboard: string;
  readonly tile: string;
  readonly filters: Record<string, string>;
  readonly path: readonly DrillValue[];
  readonly row: Row;
}

export interface RecordsResult {
  readonly query: CubeQuery;
  readonly fields: Field[];
  readonly data: Row[];
  readonly total: number;
  readonly limit: number;
  readonly csv_limit: number;
}

const recordsBody = (r: RecordsRequest) => ({ filters: r.filters, path: drillSteps(r.path), row: r.row });

/** The first `limit` records behind a mark, with how many there are. */
export function fetchRecords(r: RecordsRequest, limit: number, signal?: AbortSignal): Promise<RecordsResult> {
  return postJson<RecordsResult>(
    tileUrl(r.dashboard, r.tile, '/records'),
    { ...recordsBody(r), limit },
    signal,
  );
}

/** The URL and body that answer every record behind a mark as CSV. */
export function recordsCsvRequest(r: RecordsRequest): { url: string; body: unknown } {
  return { url: tileUrl(r.dashboard, r.tile, '/records'), body: { ...recordsBody(r), format: 'csv' } };
}
