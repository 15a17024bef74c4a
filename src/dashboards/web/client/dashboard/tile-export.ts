import type { VisualizationSpec } from 'vega-embed';
import { exportSpec } from '../../shared/export-spec';
import type { ExportContext } from '../../shared/export-types';
import type { TileResult } from '../api-types';
import { CHART_CONFIG } from '../components/chart-theme';
import type { MenuItem } from '../components/menu';
import type { ChartHandle } from '../components/vega-chart';
import { getJson } from '../core/api';
import { toCsv, toHumanCsv } from '../core/csv';
import { download, downloadText, fileName } from '../core/download';
import { tileUrl } from './tile-source';

export interface ExportSource {
  readonly dashboard: string;
  readonly tile: TileResult;
  readonly filters: Record<string, string>;
  /** Whether the tile shows a drill-down level (the server's URLs only know the top level). */
  readonly drilled: boolean;
  /** The drawn chart (unused: an export draws the tile again, under its title block). */
  readonly chart?: ChartHandle;
  readonly onError: (message: string) => void;
}

/** A tile's JSON carries what its exports say around it (dashboard, period, filters). */
type WithContext = TileResult & { readonly export?: ExportContext };

export function exploreHref(query: unknown): string {
  return `/explore?query=${encodeURIComponent(JSON.stringify(query))}`;
}

/**
 * The tile's export context: on its JSON at the top level; a drill-down's answer has none, and
 * the top level's (same dashboard, same filters) says the same.
 */
async function contextOf(s: ExportSource, url: string): Promise<ExportContext> {
  const own = (s.tile as WithContext).export;
  if (own) return own;
  const top = await getJson<WithContext>(url);
  if (!top.export) throw new Error('the server sent no export context');
  return top.export;
}

/**
 * The tile drawn as it exports (shared with the server's SVG and the CLI: the chart or the KPI
 * under its title block), off the page, in the page's chart theme: an SVG document or a PNG
 * data URL at twice the pixels.
 */
async function exportImage(s: ExportSource, contextUrl: string, type: 'svg' | 'png'): Promise<string> {
  const spec = exportSpec(s.tile, await contextOf(s, contextUrl));
  if (!spec) throw new Error('this tile has no chart to export');
  const data = spec['data'] as { values?: unknown } | undefined;
  // vega marks the rows it ingests: it gets copies, the tile's rows stay as the API sent them.
  if (Array.isArray(data?.values)) spec['data'] = { values: data.values.map((r) => ({ ...r })) };
  const result = await vegaEmbed(document.createElement('div'), spec as VisualizationSpec, {
    actions: false,
    renderer: 'svg',
    config: CHART_CONFIG as never,
  });
  try {
    return type === 'svg' ? await result.view.toSVG() : await result.view.toImageURL('png', 2);
  } finally {
    result.finalize();
  }
}

/**
 * The tile menu's exports: PNG and SVG with the tile's title, dashboard, period, filters and
 * units; CSV for people (titles with units, labelled values) and as raw values for scripts;
 * "Open in Explore" for query tiles.
 */
export function exportItems(s: ExportSource): MenuItem[] {
  const base = fileName(s.dashboard, s.tile.name);
  const serverUrl = (ext: string, extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({ ...s.filters, ...extra }).toString();
    return tileUrl(s.dashboard, s.tile.name, `.${ext}${q ? `?${q}` : ''}`);
  };
  const failed = (e: unknown) => s.onError(`Export failed: ${(e as Error).message}`);
  const broken = s.tile.error !== undefined;
  const image = (type: 'svg' | 'png') => () => {
    exportImage(s, serverUrl('json'), type)
      .then((out) =>
        type === 'svg' ? downloadText(out, `${base}.svg`, 'image/svg+xml') : download(out, `${base}.png`),
      )
      .catch(failed);
  };
  return [
    { label: 'Download PNG', hidden: broken, action: image('png') },
    { label: 'Download SVG', hidden: broken, action: image('svg') },
    {
      label: 'Download CSV',
      hidden: broken,
      action: () =>
        s.drilled
          ? downloadText(toHumanCsv(s.tile.fields, s.tile.data), `${base}.csv`, 'text/csv')
          : download(serverUrl('csv', { headers: 'titles' }), `${base}.csv`),
    },
    {
      label: 'CSV (raw values)',
      hidden: broken,
      action: () =>
        s.drilled
          ? downloadText(toCsv(s.tile.fields, s.tile.data), `${base}-raw.csv`, 'text/csv')
          : download(serverUrl('csv'), `${base}-raw.csv`),
    },
    {
      label: 'Open in Explore',
      hidden: !s.tile.query,
      action: () => {
        window.location.href = exploreHref(s.tile.query);
      },
    },
  ];
}
