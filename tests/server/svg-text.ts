/** The text an SVG document shows: one line per text element or line of one, entities decoded. */
export function svgText(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].flatMap((m) =>
    m[1]!
      .replace(/<\/tspan>\s*<tspan[^>]*>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&amp;', '&')
      .split('\n'),
  );
}

/** The fill colour of the text element that shows exactly `text`. */
export function fillOf(svg: string, text: string): string | undefined {
  for (const m of svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)) {
    if (m[2] === text) return /\bfill="([^"]+)"/.exec(m[1]!)?.[1];
  }
  return undefined;
}
