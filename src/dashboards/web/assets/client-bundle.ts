import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../../../util/package-root';

const WEB = join(PACKAGE_ROOT, 'src', 'dashboards', 'web');
const CLIENT = join(WEB, 'client');
const STYLES = join(WEB, 'styles');

export interface Asset {
  readonly body: string;
  readonly etag: string;
}

export interface ClientBundle {
  readonly script: Asset;
  readonly styles: Asset;
  /** What esbuild warned about (an unresolved CSS import, a suspicious expression). */
  readonly warnings: readonly string[];
}

const asset = (body: string): Asset => ({
  body,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

/** Bundles the browser client (TypeScript) and its style sheets (CSS `@import`s) in memory. */
export async function buildClientBundle(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: { app: join(CLIENT, 'main.ts'), styles: join(STYLES, 'app.css') },
    tsconfig: join(CLIENT, 'tsconfig.json'),
    outdir: '/bundle',
    bundle: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const find = (ext: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(ext));
    if (!file) throw new Error(`esbuild produced no ${ext} file`);
    return asset(file.text);
  };
  const warnings = result.warnings.map(
    (w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`,
  );
  return { script: find('.js'), styles: find('.css'), warnings };
}

let pending: Promise<ClientBundle> | undefined;

/**
 * The bundle, built on first use and kept for the life of the process. A failed build is not
 * kept, so a fixed source is picked up by the next request.
 */
export function clientBundle(): Promise<ClientBundle> {
  if (!pending) {
    pending = buildClientBundle();
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}
