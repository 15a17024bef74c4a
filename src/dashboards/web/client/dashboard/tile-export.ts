import type { TileResult } from '../api-types';
import type { MenuItem } from '../components/menu';
import type { ChartHandle } from '../components/vega-chart';
import { authHeaders } from '../core/api-key';
import { toCsv } from '../core/csv';
import { download, downloadText, fileName } from '../core/download';
import { svgToPng } from '../core/rasterize';
import { tileUrl } from './tile-source';

export interface ExportSource {
  readonly dashboard: string;
  readonly tile: TileResult;
  readonly filters: Record<string, string>;
  /** Whether the tile shows a drill-down level (the server's URLs only know the top level). */
  readonly drilled: boolean;
  /** The drawn chart; KPI and table tiles have none and export the server's rendering. */
  readonly chart?: ChartHandle;
  readonly onError: (message: string) => void;
}

export function exploreHref(query: unknown): string {
  return `/explore?query=${encodeURIComponent(JSON.stringify(query))}`;
}

/** The tile menu's exports: PNG, SVG, CSV, and "Open in Explore" for query tiles. */
export function exportItems(s: ExportSource): MenuItem[] {
  const base = fileName(s.dashboard, s.tile.name);
  const q = new URLSearchParams(s.filters).toString();
  const serverUrl = (ext: string) => tileUrl(s.dashboard, s.tile.name, `.${ext}${q ? `?${q}` : ''}`);
  const failed = (e: unknown) => s.onError(`Export failed: ${(e as Error).message}`);
  const broken = s.tile.error !== undefined;
  return [
    {
      label: 'Download PNG',
      hidden: broken,
      action: () => {
        const image = s.chart
          ? s.chart.toImageUrl('png')
          : fetch(serverUrl('svg'), { headers: authHeaders() }).then(async (r) => {
              if (!r.ok) throw new Error(`the server answered ${r.status}`);
              return svgToPng(await r.text());
            });
        image.then((url) => download(url, `${base}.png`)).catch(failed);
      },
    },
    {
      label: 'Download SVG',
      hidden: broken,
      action: () => {
        if (!s.chart) return download(serverUrl('svg'), `${base}.svg`);
        s.chart
          .toImageUrl('svg')
          .then((url) => download(url, `${base}.svg`))
          .catch(failed);
      },
    },
    {
      label: 'Download CSV',
      hidden: broken,
      action: () =>
        s.drilled
          ? downloadText(toCsv(s.tile.fields, s.tile.data), `${base}.csv`, 'text/csv')
          : download(serverUrl('csv'), `${base}.csv`),
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
