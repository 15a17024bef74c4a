import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './charts/fields';

/** Compiles a Vega-Lite spec, collecting every warning vega-lite logs. */
export function compileSpec(spec: VegaLiteSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level(_?: number) {
      return logger as never;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger as never;
    },
    info() {
      return logger as never;
    },
    debug() {
      return logger as never;
    },
    error(...args: unknown[]) {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger as never;
    },
  };
  const compiled = compile(spec as never, { logger: logger as never });
  return { vega: compiled.spec, warnings };
}

/**
 * Renders a Vega-Lite spec (data inline) to SVG on the server with vega's headless view. A
 * `container` size becomes the given width and height, since there is no container.
 */
export async function renderSvg(spec: VegaLiteSpec, size = { width: 640, height: 320 }): Promise<string> {
  const sized = { ...spec };
  if (sized['width'] === 'container') sized['width'] = size.width;
  if (sized['height'] === 'container') sized['height'] = size.height;
  const { vega: compiled } = compileSpec(sized);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
