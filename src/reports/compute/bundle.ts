import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../util/package-root';

let pending: Promise<string> | undefined;

/**
 * The compute worker's code, bundled once per process by esbuild (a dependency already, for the
 * browser client) into one CommonJS script run with `eval`: the worker then needs no file of its
 * own, whether rapport runs from source (tests, tsx) or from the CLI bundle.
 */
export function workerSource(): Promise<string> {
  if (!pending) {
    pending = (async () => {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [join(PACKAGE_ROOT, 'src', 'reports', 'compute', 'worker.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      return result.outputFiles[0]!.text;
    })();
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}
