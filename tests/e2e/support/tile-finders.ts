import type { DashboardResult } from '../../../src/dashboards/run';
import type { TileResult } from '../../../src/dashboards/run-tile';
import type { DemoServer } from './server';

/**
 * The scenarios run against whatever dashboards the server lists, so they look up a tile that
 * offers the behaviour under test instead of naming one.
 */
export async function listedDashboards(server: DemoServer): Promise<DashboardResult[]> {
  const { data } = await server.getJson<{ data: { id: string }[] }>('/v1/dashboards');
  const out: DashboardResult[] = [];
  for (const d of data) out.push(await server.getJson<DashboardResult>(`/v1/dashboards/${d.id}`));
  return out;
}

const drawn = (t: TileResult) => t.chart === 'bar' && !t.error && t.data.length > 0;

/** A bar tile whose groups can be saved as target groups, and the first group's value. */
export function segmentTile(dashboards: readonly DashboardResult[]) {
  for (const d of dashboards) {
    const tile = d.tiles.find((t) => drawn(t) && t.save_segment);
    if (tile) return { id: d.id, tile, value: String(tile.data[0]![tile.save_segment!.field]) };
  }
  return undefined;
}

/** A bar tile that does not drill but whose rows hold values of a dashboard dimension filter. */
export function filteringTile(dashboards: readonly DashboardResult[]) {
  for (const d of dashboards) {
    for (const tile of d.tiles) {
      if (!drawn(tile) || tile.drill || tile.save_segment) continue;
      for (const f of d.filters) {
        if (f.type !== 'dimension') continue;
        const value = tile.data.map((row) => row[f.dimension]).find((v) => v !== null && v !== undefined);
        if (value !== undefined) return { id: d.id, tile, filter: f.name, value: String(value) };
      }
    }
  }
  return undefined;
}
