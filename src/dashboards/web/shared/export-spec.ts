import { exportHeader } from './export-header';
import { EXPORT_COLOURS, kpiBodySpec } from './export-kpi';
import type { ExportContext, ExportTile } from './export-types';

/** Pixels of an exported chart per grid column and per grid row of its tile. */
export const EXPORT_CELL = { width: 100, height: 160 } as const;

/** A KPI's export is at least this wide, so its comparisons read on one line each. */
const KPI_MIN_WIDTH = 360;

/** The chart's own spec with the sizes a page's container would have given it. */
function sized(spec: Readonly<Record<string, unknown>>, tile: ExportTile): Record<string, unknown> {
  const out = { ...spec };
  if (out['width'] === 'container') out['width'] = tile.width * EXPORT_CELL.width;
  if (out['height'] === 'container') out['height'] = tile.height * EXPORT_CELL.height;
  return out;
}

/**
 * A tile as one exported image reads, made once for the server's SVG, the CLI's render and the
 * browser's PNG and SVG: the chart (or, for a KPI, its value, window and comparisons in text)
 * under a title block that says what the tile is, on which dashboard, over which period, with
 * which filters (and which it ignores), drilled where, and in which units. Undefined when the
 * tile has nothing to draw.
 */
export function exportSpec(tile: ExportTile, ctx: ExportContext): Record<string, unknown> | undefined {
  const kpi = tile.chart === 'kpi' && tile.kpi !== undefined;
  const body = kpi
    ? kpiBodySpec(tile.kpi!, Math.max(tile.width * EXPORT_CELL.width, KPI_MIN_WIDTH))
    : tile.spec && sized(tile.spec, tile);
  if (!body) return undefined;
  const header = exportHeader(tile, ctx, kpi ? 'kpi' : 'chart');
  const config = (body['config'] ?? {}) as Record<string, unknown>;
  return {
    ...body,
    background: '#ffffff',
    padding: 16,
    autosize: { type: 'pad' },
    title: {
      text: header.text,
      subtitle: header.subtitle,
      anchor: 'start',
      frame: 'group',
      offset: 14,
      fontSize: 16,
      fontWeight: 'bold',
      color: EXPORT_COLOURS.text,
      subtitleFontSize: 11,
      subtitleColor: EXPORT_COLOURS.muted,
      subtitlePadding: 6,
      subtitleLineHeight: 15,
    },
    config: { ...config, view: { stroke: null, ...(config['view'] as object | undefined) } },
  };
}
