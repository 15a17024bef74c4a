import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, inject } from 'vitest';
import { DuckDbEngine, type Engine, openEngine } from '../../src/engine';
import { restrictModel } from '../../src/model/access/restrict';
import { loadModel } from '../../src/model/load';
import type { Model } from '../../src/model/types';
import { openTarget, publish } from '../../src/publish';
import { ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';

/** What the one publish of the demo reported (every test file sees the same). */
export interface PublishSummary {
  readonly ok: boolean;
  readonly copied: number;
}

/** The demo warehouse in DuckDB and its published copy in an in-process ClickHouse. */
export interface PublishedDemo {
  /** A copy of the demo warehouse file (publish state included): tests may write to it. */
  readonly duckdb: Engine;
  readonly dbPath: string;
  /** The ClickHouse engine on this file's copy of the published data (`chdb:DIR`). */
  readonly clickhouse: Engine;
  readonly chdbUrl: string;
  readonly model: Model;
  readonly published: PublishSummary;
  /**
   * The region with the fewest customers (ties by name): a restriction to it visibly changes
   * every customer-bound answer, so the row-restricted cases use it.
   */
  readonly smallestRegion: string;
  /** The model as an analyst restricted to the smallest region sees it. */
  restrictedModel(): Model;
  close(): Promise<void>;
}

const READY = 'ready.json';
const WAIT_MS = 300_000;

/**
 * The demo published into chdb once per test run, beside the demo warehouse the global setup
 * built. The first test file to ask builds it (mkdir is the lock); the others wait for its
 * `ready.json`. Publishing took 10 s or more per file under load, and eight files need it.
 */
async function template(): Promise<{ dir: string; published: PublishSummary }> {
  const dir = join(dirname(inject('demoWarehouse')), 'published');
  const ready = join(dir, READY);
  let builder = false;
  try {
    mkdirSync(dir);
    builder = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (builder) {
    const dbPath = join(dir, 'warehouse.duckdb');
    copyFileSync(inject('demoWarehouse'), dbPath);
    const duckdb = await DuckDbEngine.open({ path: dbPath });
    try {
      const target = await openTarget(`chdb:${join(dir, 'chdb')}`);
      try {
        const result = await publish({ from: duckdb, to: target, model: loadModel(join(ROOT, 'cubes')) });
        writeFileSync(ready, JSON.stringify({ ok: result.ok, copied: result.copied }));
      } finally {
        await target.close();
      }
      await duckdb.query('CHECKPOINT');
    } finally {
      await duckdb.close();
    }
  }
  const started = Date.now();
  while (!existsSync(ready)) {
    if (Date.now() - started > WAIT_MS) throw new Error(`the published demo in ${dir} never became ready`);
    await sleep(250);
  }
  return { dir, published: JSON.parse(readFileSync(ready, 'utf8')) as PublishSummary };
}

/**
 * Copies the published demo (the DuckDB file with its publish state, and the chdb folder) into a
 * scratch folder of this test file. chdb binds one data directory per process: vitest runs each
 * test file in a process of its own (pool 'forks'), so one call per test file.
 */
export async function publishedDemo(): Promise<PublishedDemo> {
  const { dir, published } = await template();
  const scratch = scratchDir('rapport-parity-');
  const dbPath = join(scratch.dir, 'warehouse.duckdb');
  copyFileSync(join(dir, 'warehouse.duckdb'), dbPath);
  const chdbDir = join(scratch.dir, 'chdb');
  // Verbatim: chdb's symlinks (metadata/default, data/db/table) are relative; resolved, the copy
  // would point into the shared template.
  cpSync(join(dir, 'chdb'), chdbDir, { recursive: true, verbatimSymlinks: true });
  const chdbUrl = `chdb:${chdbDir}`;
  const model = loadModel(join(ROOT, 'cubes'));
  const duckdb = await DuckDbEngine.open({ path: dbPath });
  const clickhouse = await openEngine(chdbUrl);
  const [smallest] = (
    await duckdb.query(
      'SELECT region FROM dim_customer WHERE region IS NOT NULL GROUP BY region ORDER BY count(*), region LIMIT 1',
    )
  ).rows;
  return {
    duckdb,
    dbPath,
    clickhouse,
    chdbUrl,
    model,
    published,
    smallestRegion: String(smallest!['region']),
    restrictedModel: () =>
      restrictModel(model, {
        name: 'rita',
        role: 'analyst',
        attributes: { region: String(smallest!['region']) },
      }),
    close: async () => {
      await clickhouse.close();
      await duckdb.close();
      scratch.remove();
    },
  };
}

/**
 * This test file's published demo: opened before its tests, closed after them. Its members read
 * through to the opened demo, so use it inside tests and hooks, not at import time.
 */
export function usePublishedDemo(): PublishedDemo {
  let opened: PublishedDemo | undefined;
  beforeAll(async () => {
    opened = await publishedDemo();
  }, 600_000);
  afterAll(async () => {
    await opened?.close();
  });
  return new Proxy({} as PublishedDemo, {
    get(_target, key) {
      if (opened === undefined)
        throw new Error('the published demo opens in beforeAll: read it inside a test or a hook');
      return opened[key as keyof PublishedDemo];
    },
  });
}
