import type { FilterDefinition } from '../../shared/page-data';
import type { Row, TileResult } from '../api-types';

export type ClickAction =
  | { readonly kind: 'select'; readonly value: unknown }
  | { readonly kind: 'drill'; readonly row: Row }
  | { readonly kind: 'records'; readonly row: Row }
  | { readonly kind: 'filter'; readonly filter: string; readonly value: string }
  | { readonly kind: 'none' };

/** Whether the tile's marks stand for groups of a query's rows, which the records endpoint lists. */
function hasRecords(tile: TileResult): boolean {
  const q = tile.query;
  if (!q || tile.error || tile.chart === 'kpi' || tile.chart === 'table') return false;
  return (q.dimensions?.length ?? 0) > 0 || (q.timeDimensions ?? []).some((t) => t.granularity);
}

/** Whether the tile shows the last level of a drill-down: below it are the records. */
const atLastLevel = (tile: TileResult) => !tile.drill && (tile.drilled?.length ?? 0) > 0;

/**
 * What a click on a mark does: on a tile that saves target groups it picks the group; where
 * the tile drills it opens the level below; at the last level of a drill-down it opens the
 * mark's records; else, when the row holds a value of a dashboard dimension filter, it sets
 * that filter; and on a query tile that does none of these it opens the records too.
 */
export function clickAction(tile: TileResult, row: Row, filters: readonly FilterDefinition[]): ClickAction {
  const group = tile.save_segment?.field;
  if (group && row[group] !== undefined && row[group] !== null) return { kind: 'select', value: row[group] };
  if (tile.drill && tile.drill.member in row) return { kind: 'drill', row };
  if (atLastLevel(tile) && hasRecords(tile)) return { kind: 'records', row };
  for (const f of filters) {
    if (f.type !== 'dimension') continue;
    const v = row[f.dimension];
    if (v !== undefined && v !== null) return { kind: 'filter', filter: f.name, value: String(v) };
  }
  if (hasRecords(tile)) return { kind: 'records', row };
  return { kind: 'none' };
}

/** The row reduced to the tile's own fields: what the drill endpoint is sent. */
export function drillRow(tile: TileResult, row: Row): Row {
  return Object.fromEntries(tile.fields.filter((f) => f.name in row).map((f) => [f.name, row[f.name]]));
}

/** The footer's hint at what a click on a mark does, when it does anything. */
export function clickHint(tile: TileResult, filters: readonly FilterDefinition[]): string | undefined {
  if (tile.error || tile.data.length === 0 || tile.chart === 'kpi' || tile.chart === 'table')
    return undefined;
  if (tile.save_segment) return 'Click a group to save it as a target group';
  if (tile.drill)
    return `Click a mark to drill down to ${tile.drill.to.split('.').at(-1)?.replaceAll('_', ' ')}`;
  if (atLastLevel(tile) && hasRecords(tile)) return 'Click a mark to see its records';
  const fields = new Set(tile.fields.map((f) => f.name));
  const filter = filters.find((f) => f.type === 'dimension' && fields.has(f.dimension));
  if (filter) return `Click a mark to filter by ${filter.title ?? filter.name}`;
  return hasRecords(tile) ? 'Click a mark to see its records' : undefined;
}
