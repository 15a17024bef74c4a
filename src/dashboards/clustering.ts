import { join } from 'node:path';
import { loadDashboards } from './load';

/** The customer clustering a project shows: the segments tile people save clusters from. */
export interface DashboardClustering {
  /** The segments report's parameters on that tile (k, features, …), without its filters. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly dashboard: string;
  readonly tile: string;
}

/**
 * The clustering the dashboards show, so that Customer 360 puts a customer in the cluster the
 * marketer sees (same k, same features): the first segments tile that saves clusters as target
 * groups, in dashboard order; undefined when no dashboard has one (the report's defaults then).
 */
export function dashboardClustering(root: string): DashboardClustering | undefined {
  for (const d of loadDashboards(join(root, 'dashboards'))) {
    const tile = d.tiles.find((t) => t.report === 'segments' && t.save_segment);
    if (!tile) continue;
    const { filters: _filters, segments: _segments, ...params } = tile.params as Record<string, unknown>;
    return { params, dashboard: d.id, tile: tile.name };
  }
  return undefined;
}
