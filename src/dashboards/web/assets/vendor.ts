import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The browser builds of vega, vega-lite and vega-embed, served as classic scripts that define
 * the globals `vega`, `vegaLite` and `vegaEmbed`. Their packages do not export `build/*.min.js`,
 * so each is found next to the package's resolved entry point (also in `build/`).
 */
const VENDOR: Readonly<Record<string, { readonly pkg: string; readonly file: string }>> = {
  'vega.min.js': { pkg: 'vega', file: 'vega.min.js' },
  'vega-lite.min.js': { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  'vega-embed.min.js': { pkg: 'vega-embed', file: 'vega-embed.min.js' },
};

/** The vendor scripts in the order they must load (vega-embed needs the other two). */
export const VENDOR_SCRIPTS: readonly string[] = Object.keys(VENDOR);

const cache = new Map<string, Buffer>();

/** A vendor script's bytes by its served name, or undefined for a name not on the list. */
export function vendorScript(name: string): Buffer | undefined {
  const entry = VENDOR[name];
  if (!entry) return undefined;
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFileSync(join(dirname(require.resolve(entry.pkg)), entry.file));
    cache.set(name, bytes);
  }
  return bytes;
}
