/** A tile on the delivered page: its chart as SVG, or a line saying why there is none. */
export interface PageTile {
  readonly title: string;
  /** Columns of the dashboard's 12-column grid. */
  readonly width: number;
  readonly svg?: string;
  readonly note?: string;
}

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * The dashboard as one self-contained HTML page (inline SVG, no scripts, no external files) for
 * Chromium to render: a header (title, filters, data as of) and the tiles on the 12-column grid.
 */
export function dashboardPage(p: {
  title: string;
  lines: readonly string[];
  tiles: readonly PageTile[];
}): string {
  const tiles = p.tiles
    .map((t) => {
      // An exported SVG carries its own title block; a tile without one gets a heading.
      const body = t.svg
        ? t.svg.replace(/<svg\b/, '<svg preserveAspectRatio="xMinYMin meet"')
        : `<h2>${escapeHtml(t.title)}</h2><p class="note">${escapeHtml(t.note ?? 'no chart')}</p>`;
      return `<section class="tile" style="grid-column: span ${Math.min(12, Math.max(1, t.width))}">${body}</section>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title><style>
body { font: 14px system-ui, sans-serif; margin: 20px; color: #1d2433; background: #fff; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 2px 0; color: #5b6478; }
main { display: grid; grid-template-columns: repeat(12, 1fr); gap: 12px; margin-top: 16px; }
.tile { border: 1px solid #dde2ea; border-radius: 6px; padding: 8px; overflow: hidden; break-inside: avoid; }
.tile h2 { font-size: 13px; margin: 0 0 6px; color: #5b6478; font-weight: 600; }
.tile svg { width: 100%; height: auto; display: block; }
.note { color: #a15c00; }
</style></head><body><header><h1>${escapeHtml(p.title)}</h1>${p.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</header>
<main>${tiles}</main></body></html>`;
}
