import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function isRapportRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'rapport';
  } catch {
    return false;
  }
}

/** The folder holding rapport's package.json, found by walking up from `from`. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isRapportRoot(dir)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of rapport above ${from}`);
  }
}

/**
 * Rapport's own folder (the one with its package.json, `sql/`, `src/`): where files that ship
 * with the code are read from (the schema DDL, built-in RFM maps, the browser client). Found
 * from this module's location, which is under `src/` when run from source and under `dist/`
 * when bundled, so a file's path never depends on where its code was loaded from. Not the
 * project a command runs in (`RAPPORT_ROOT` or the working directory; see the CLI's context).
 */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
