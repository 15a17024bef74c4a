import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from '../scripts/build.mjs';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse, runJob, selectJobs } from '../src/etl';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A warehouse file holding the committed demo company, loaded once per test run. */
    demoWarehouse: string;
  }
}

const ROOT = join(import.meta.dirname, '..');

/**
 * Loads the demo company once for the whole run. Twenty test files need it; each copies this
 * file into its own in-memory database (well under a second) instead of running the ten jobs
 * again (several seconds of CPU each). The test of the load itself still loads from the files.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  // The CLI's bundle (dist/cli), built once here rather than by the first test that runs it.
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rapport-demo-cache-'));
  const path = join(dir, 'demo.duckdb');
  const engine = await DuckDbEngine.open({ path });
  try {
    await ensureWarehouse(engine);
    for (const job of selectJobs(['demo-*'], false, join(ROOT, 'etl', 'jobs'))) {
      const run = await runJob(job, { engine, root: ROOT });
      if (run.status !== 'succeeded') throw new Error(`demo job ${run.job} failed: ${run.error}`);
    }
    await engine.query('CHECKPOINT');
  } finally {
    await engine.close();
  }
  project.provide('demoWarehouse', path);
  return () => rmSync(dir, { recursive: true, force: true });
}
