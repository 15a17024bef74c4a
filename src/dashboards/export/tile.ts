import { rowsToCsv } from '../../reports/common/csv';
import { renderSvg } from '../render';
import type { TileResult } from '../run-tile';
import { csvPreamble, humanCsv } from '../web/shared/export-csv';
import { exportHeader } from '../web/shared/export-header';
import { exportSpec } from '../web/shared/export-spec';
import type { ExportContext } from '../web/shared/export-types';

/** A tile as an SVG that reads on its own (title block, period, filters, units); undefined without a chart. */
export async function tileSvg(tile: TileResult, context: ExportContext): Promise<string | undefined> {
  const spec = exportSpec(tile, context);
  return spec ? renderSvg(spec) : undefined;
}

/** The pixel size an SVG declares (its root's width and height). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const size = (name: string) => Number(new RegExp(`\\b${name}="([\\d.]+)"`).exec(root)?.[1] ?? 0);
  return { width: Math.ceil(size('width')), height: Math.ceil(size('height')) };
}

export interface CsvOptions {
  /** `names`: the raw columns and values scripts read; `titles`: titles with units, labelled values. */
  readonly headers: 'names' | 'titles';
  /** Lines before the header with the tile's title, dashboard, period and filters. */
  readonly context: boolean;
}

/** A tile's rows as CSV, raw (as ever) or for people, with its context lines when asked. */
export function tileCsv(tile: TileResult, context: ExportContext, options: CsvOptions): string {
  const header = exportHeader(tile, context, 'chart');
  const lines = options.context ? [header.text, ...header.subtitle] : [];
  if (options.headers === 'titles') return humanCsv(tile.fields, tile.data, lines);
  return csvPreamble(lines) + rowsToCsv({ columns: tile.fields.map((f) => f.name), data: tile.data });
}
