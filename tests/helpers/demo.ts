import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { DuckDbEngine, type Engine } from '../../src/engine';
import { type RunRecord, runJob, selectJobs } from '../../src/etl';
import { memoryWarehouse } from './warehouse';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DEMO = join(ROOT, 'fixtures', 'demo');

export interface DemoManifest {
  files: { path: string; rows: number }[];
  dirt: Record<string, Record<string, number>>;
}

/**
 * The demo's export moment as its generator declares it (MANIFEST.json: the day after its last
 * day): the "now" of a warehouse that holds only the demo, and the default as_of of its reports.
 */
export const DEMO_NOW = (() => {
  const manifest = JSON.parse(readFileSync(join(DEMO, 'MANIFEST.json'), 'utf8')) as {
    options: { end: string };
  };
  return new Date(Date.parse(`${manifest.options.end}T00:00:00Z`) + 86_400_000);
})();
/** DEMO_NOW as a date: 'YYYY-MM-DD'. */
export const DEMO_AS_OF = DEMO_NOW.toISOString().slice(0, 10);

export function demoManifest(): DemoManifest {
  return JSON.parse(readFileSync(join(DEMO, 'MANIFEST.json'), 'utf8')) as DemoManifest;
}

/** Loads the committed demo company into a fresh in-memory warehouse with the shipped jobs. */
export async function loadDemoFromFiles(engine?: Engine): Promise<{ engine: Engine; runs: RunRecord[] }> {
  const e = engine ?? (await memoryWarehouse());
  const runs: RunRecord[] = [];
  for (const job of selectJobs(['demo-*'], false, join(ROOT, 'etl', 'jobs'))) {
    runs.push(await runJob(job, { engine: e, root: ROOT }));
  }
  return { engine: e, runs };
}

/**
 * The demo company in a fresh in-memory warehouse of the test's own: a copy of the warehouse the
 * global setup loaded once with the shipped jobs (the same state, in a fraction of the time).
 */
export async function loadDemo(): Promise<{ engine: Engine }> {
  const engine = await DuckDbEngine.open({ path: ':memory:' });
  await engine.query(`ATTACH ${sqlString(inject('demoWarehouse'))} AS demo_cache (READ_ONLY)`);
  await engine.query('COPY FROM DATABASE demo_cache TO memory');
  await engine.query('DETACH demo_cache');
  return { engine };
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
